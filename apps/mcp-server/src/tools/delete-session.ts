/** delete_session: removes a session and everything in it. */
import { safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerDeleteSession: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "delete_session",
    {
      title: "Delete session",
      description:
        "Permanently deletes a session with its messages and files. It cannot be undone; refused while a run of the session is active (cancel_run first).",
      inputSchema: { session_id: safeString().min(1).describe("The session to delete") },
      outputSchema: { deleted: z.boolean(), sessionId: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id }) =>
      guarded(async () => {
        await services.sessions.delete(principal.workspaceId, session_id, actor);
        return dataResult({ deleted: true, sessionId: session_id }, `Deleted session ${session_id}.`);
      }),
  );
};
