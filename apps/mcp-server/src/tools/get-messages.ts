/** get_messages: a session's transcript, a page at a time (offset/limit over the stored order). */
import { BackendMessage, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const MAX_MESSAGES_PAGE = 200;

export const registerGetMessages: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "get_messages",
    {
      title: "Get messages",
      description:
        "Returns a session's messages in order (user inputs, assistant answers with reasoning and tool calls), " +
        "from `offset`, at most `limit` of them. `total` tells how many exist; use offset = total - limit for the newest. " +
        "Use it to read a reply that send_message did not wait for.",
      inputSchema: {
        session_id: safeString().min(1).describe("The session to read"),
        offset: z.number().int().min(0).default(0).describe("Index of the first message to return (0 = oldest)"),
        limit: z.number().int().min(1).max(MAX_MESSAGES_PAGE).default(50).describe(`Messages to return (1-${MAX_MESSAGES_PAGE})`),
      },
      outputSchema: { messages: z.array(BackendMessage), total: z.number().int(), offset: z.number().int(), hasMore: z.boolean() },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id, offset, limit }) =>
      guarded(async () => {
        const all = await services.messages.list(principal.workspaceId, session_id);
        const messages = all.slice(offset, offset + limit);
        return dataResult({ messages, total: all.length, offset, hasMore: offset + messages.length < all.length });
      }),
  );
};
