/** fork_session: a new session holding a copy of the conversation up to a message. */
import { ForkSessionRequest, SessionData, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerForkSession: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "fork_session",
    {
      title: "Fork session",
      description:
        "Creates a new session that copies this one's messages up to and including the message at `message_index` " +
        "(0-based, in get_messages order), to try another direction without changing the original.",
      inputSchema: {
        session_id: safeString().min(1).describe("The session to fork"),
        message_index: z.number().int().min(0).describe("Index of the last message to keep in the fork"),
        title: safeString().optional().describe("Title of the new session (default: derived from the original)"),
      },
      outputSchema: SessionData,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    ({ session_id, message_index, title }) =>
      guarded(async () => {
        const request = ForkSessionRequest.parse({ messageIndex: message_index, title });
        const fork = await services.fork.fork(principal.workspaceId, session_id, request);
        return dataResult(fork, `Forked into session ${fork.id}.`);
      }),
  );
};
