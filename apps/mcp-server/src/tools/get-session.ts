/** get_session: one session's details. */
import { SessionData, safeString } from "@mix/core";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerGetSession: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "get_session",
    {
      title: "Get session",
      description: "Returns one session of this workspace: title, type, parent (for forks), message counts, token usage and cost.",
      inputSchema: { session_id: safeString().min(1).describe("The session id (from list_sessions or create_session)") },
      outputSchema: SessionData,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id }) => guarded(async () => dataResult(await services.sessions.get(principal.workspaceId, session_id))),
  );
};
