/** answer_permission: grants or denies a tool call the agent is waiting on (the REST API's grant and deny). */
import { GrantPermissionRequest, validationError, safeString } from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerAnswerPermission: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "answer_permission",
    {
      title: "Answer permission",
      description:
        "Grants or denies a permission request the agent is waiting on (send_message or wait_for_reply returned status " +
        "'awaiting_permission' with pendingPermission.permissionId and a description of what the tool will do). " +
        "Ask the user before granting unless they already told you to. A denied tool is not run and the agent is told so. " +
        "always=true (grant only) also allows every later call of that tool in this session without asking. " +
        "Answering the same way again is harmless; the opposite answer, or one after the request timed out, is refused. " +
        "Afterwards call wait_for_reply to follow the rest of the reply.",
      inputSchema: {
        permission_id: safeString().min(1).describe("pendingPermission.permissionId from send_message or wait_for_reply"),
        decision: z.enum(["grant", "deny"]).describe("'grant' lets the tool run, 'deny' refuses it"),
        always: z.boolean().optional().describe("With 'grant': also allow later calls of this tool in this session without asking"),
      },
      outputSchema: {
        permissionId: z.string(),
        decision: z.enum(["granted", "denied"]),
        always: z.boolean().describe("Later calls of the tool in this session are allowed without asking"),
      },
      // Not destructive itself, but a grant lets the agent run what it asked for (a shell command,
      // a file overwrite): marked so that clients confirm with their user first.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ permission_id, decision, always }) =>
      guarded(async () => {
        if (decision === "deny") {
          if (always !== undefined) throw validationError("always applies only to decision 'grant'");
          await services.permissions.deny(principal.workspaceId, permission_id, actor);
          return dataResult({ permissionId: permission_id, decision: "denied" as const, always: false }, `Denied permission ${permission_id}.`);
        }
        // The REST API's request schema for a grant.
        const request = GrantPermissionRequest.parse({ always });
        await services.permissions.grant(principal.workspaceId, permission_id, request, actor);
        return dataResult(
          { permissionId: permission_id, decision: "granted" as const, always: request.always === true },
          `Granted permission ${permission_id}.`,
        );
      }),
  );
};
