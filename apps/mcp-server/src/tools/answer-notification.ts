/** answer_notification: answers a question the agent is waiting on (the REST API's notification respond). */
import { RespondToNotificationRequest, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerAnswerNotification: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "answer_notification",
    {
      title: "Answer notification",
      description:
        "Answers a question the agent asked and is waiting on (send_message or wait_for_reply returned status " +
        "'awaiting_input' with pendingQuestion). response_type must be the question's responseType: 'acknowledge' " +
        "(no value), 'text' (value: the answer) or 'choice' (value: exactly one of pendingQuestion.choices). Answer " +
        "what the user would answer; ask them when you cannot know. An id already answered, timed out or unknown is refused. " +
        "Afterwards call wait_for_reply to follow the rest of the reply.",
      inputSchema: {
        notification_id: safeString().min(1).describe("pendingQuestion.notificationId from send_message or wait_for_reply"),
        response_type: z.enum(["acknowledge", "text", "choice"]).describe("The question's responseType"),
        value: safeString().optional().describe("The answer text, or the choice taken; not used with 'acknowledge'"),
      },
      outputSchema: {
        notificationId: z.string(),
        responseType: z.enum(["acknowledge", "text", "choice"]),
      },
      // It changes what the agent does next, as the user's own answer would.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ notification_id, response_type, value }) =>
      guarded(async () => {
        // The REST API's request schema: the same limits and messages.
        const request = RespondToNotificationRequest.parse({ type: response_type, ...(value !== undefined ? { value } : {}) });
        await services.notifications.respond(principal.workspaceId, notification_id, request, actor);
        return dataResult({ notificationId: notification_id, responseType: request.type }, `Answered notification ${notification_id}.`);
      }),
  );
};
