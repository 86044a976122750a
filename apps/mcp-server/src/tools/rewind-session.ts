/** rewind_session: cuts a session back to a message, deleting everything after it. */
import { RewindSessionRequest, SessionData, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerRewindSession: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "rewind_session",
    {
      title: "Rewind session",
      description:
        "Deletes every message after `message_id` in the session (the message itself is kept), and by default the files created since. " +
        "It cannot be undone: fork_session first to keep a copy.",
      inputSchema: {
        session_id: safeString().min(1).describe("The session to rewind"),
        message_id: safeString().min(1).describe("The last message to keep (an id from get_messages)"),
        cleanup_media: z.boolean().default(true).describe("Also delete files the session created after that message"),
      },
      outputSchema: SessionData,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id, message_id, cleanup_media }) =>
      guarded(async () => {
        const request = RewindSessionRequest.parse({ messageId: message_id, cleanupMedia: cleanup_media });
        const session = await services.rewind.rewind(principal.workspaceId, session_id, request);
        return dataResult(session, `Rewound session ${session.id}.`);
      }),
  );
};
