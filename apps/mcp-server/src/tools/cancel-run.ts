/** cancel_run: stops the session's queued or running agent run. */
import { safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerCancelRun: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "cancel_run",
    {
      title: "Cancel run",
      description:
        "Stops the agent run of a session that is queued or in progress (what it produced so far is kept). " + "`cancelled` is false when nothing was running.",
      inputSchema: { session_id: safeString().min(1).describe("The session whose run to stop") },
      outputSchema: { cancelled: z.boolean() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id }) => guarded(async () => dataResult(await services.cancel.cancel(principal.workspaceId, session_id))),
  );
};
