/** list_sessions: the workspace's sessions, newest first, a page at a time. */
import { MAX_SESSIONS_PAGE, SessionData, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerListSessions: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "list_sessions",
    {
      title: "List sessions",
      description:
        "Lists the agent sessions of this workspace, newest first, with their id, title, message counts and token usage. " +
        "Use it to find a session id for get_session, get_messages or send_message. Pass nextCursor back as cursor for the next page.",
      inputSchema: {
        limit: z.number().int().min(1).max(MAX_SESSIONS_PAGE).default(50).describe(`Sessions per page (1-${MAX_SESSIONS_PAGE})`),
        cursor: safeString().optional().describe("nextCursor from a previous call, to get the next page"),
        include_subagents: z.boolean().default(false).describe("Also list sessions started by subagents"),
      },
      outputSchema: { sessions: z.array(SessionData), nextCursor: z.string().nullable() },
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ limit, cursor, include_subagents }) =>
      guarded(async () => {
        const page = await services.sessions.listPage(principal.workspaceId, { includeSubagents: include_subagents, limit, cursor });
        return dataResult({ sessions: page.sessions, nextCursor: page.nextCursor }, `${page.sessions.length} session(s).`);
      }),
  );
};
