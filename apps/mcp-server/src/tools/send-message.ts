/**
 * send_message: sends a user message and follows the agent's reply, reporting its text, tool
 * starts and ends as MCP progress notifications. It returns when the reply is finished, when the
 * agent waits for a permission (answer_permission, then wait_for_reply), or at the timeout; the
 * run goes on in every case.
 */
import { SendMessageRequest, ThinkingLevel, safeString } from "@mix/core";
import { z } from "zod";
import { ReplyOutput, replyResult, timeoutSecondsInput } from "./reply-result";
import { replyProgress } from "./reply-progress";
import type { RegisterTool } from "./tool-context";
import { guarded } from "./tool-result";

export const registerSendMessage: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "send_message",
    {
      title: "Send message",
      description:
        "Sends a message to the agent of a session and waits for its reply (text and tool use streamed as progress notifications). " +
        "Returns the answer text and the tools the agent called with how each went. Status 'awaiting_permission': the agent wants to " +
        "run a tool that needs the user's consent; answer with answer_permission, then call wait_for_reply. Status 'timeout': " +
        "the agent is still working; call wait_for_reply to keep waiting.",
      inputSchema: {
        session_id: safeString().min(1).describe("The session to talk to (create_session makes one)"),
        text: safeString().min(1).describe("The message; '/name args' runs a custom command"),
        timeout_seconds: timeoutSecondsInput,
        plan_mode: z.boolean().optional().describe("Plan only: the agent may read but not change anything, and ends with its plan"),
        thinking_level: ThinkingLevel.optional().describe("Reasoning budget: off, basic (4k), medium (10k), maximum (32k); default from the message's wording"),
        max_steps: z.number().int().min(1).max(1000).optional().describe("Most model calls the agent may make for this message"),
      },
      outputSchema: ReplyOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ session_id, text, timeout_seconds, plan_mode, thinking_level, max_steps }, extra) =>
      guarded(async () => {
        // The REST API's validation (text not empty, length limit, max_steps range).
        const request = SendMessageRequest.parse({ text, plan_mode: plan_mode ?? false, thinking_level, max_steps });
        await services.sessions.require(principal.workspaceId, session_id);
        // The reply's events come after this id; taken before sending so none is missed.
        const afterEventId = await services.follow.startPoint(session_id);
        // Refused in the error shape's words when the plan lacks the session's model (403) or credits ran out (402).
        const { messageId } = await services.messages.send(principal.workspaceId, session_id, request, undefined, { sentBy: principal });

        const progress = replyProgress(extra);
        const followed = await services.follow.followToEnd({ sessionId: session_id, messageId, afterEventId }, progress, {
          timeoutMs: timeout_seconds * 1000,
          signal: extra.signal,
        });
        await progress.flushed();
        return replyResult({ sessionId: session_id, messageId, timeoutSeconds: timeout_seconds }, followed);
      }),
  );
};
