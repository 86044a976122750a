/** export_session: the whole session as one JSON document (also readable as resource mix://sessions/{id}). */
import { ExportSession, safeString } from "@mix/core";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerExportSession: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "export_session",
    {
      title: "Export session",
      description: "Returns a full export of a session: every message with its text, reasoning and tool calls, plus token usage and cost.",
      inputSchema: { session_id: safeString().min(1).describe("The session to export") },
      outputSchema: ExportSession,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id }) => guarded(async () => dataResult(await services.exports.export(principal.workspaceId, session_id))),
  );
};
