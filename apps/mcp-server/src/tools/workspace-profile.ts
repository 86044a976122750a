/** get_workspace_profile and update_workspace_profile: the profile chat and sessions are grounded on. */
import { PROFILE_FIELD_MAX_BYTES, PROFILE_TOTAL_MAX_BYTES, UpdateWorkspaceProfileRequest, WorkspaceProfileData, safeString } from "@mix/core";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const registerGetWorkspaceProfile: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "get_workspace_profile",
    {
      title: "Get workspace profile",
      description: "Returns the workspace profile (team, product, voice, facts) that the system prompt of chat and sessions carries.",
      inputSchema: {},
      outputSchema: WorkspaceProfileData,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () => guarded(async () => dataResult(await services.workspaceProfile.get(principal.workspaceId))),
  );
};

const field = (what: string) => safeString().optional().describe(`${what}; omitted keeps it, "" clears it`);

export const registerUpdateWorkspaceProfile: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "update_workspace_profile",
    {
      title: "Update workspace profile",
      description:
        `Changes the fields of the workspace profile that are given (admins). A field may take ${PROFILE_FIELD_MAX_BYTES / 1024} KB, ` +
        `the whole profile ${PROFILE_TOTAL_MAX_BYTES / 1024} KB.`,
      inputSchema: {
        team: field("Who the team is"),
        product: field("Its product or service"),
        voice: field("How answers should sound"),
        facts: field("Facts the model must respect"),
      },
      outputSchema: WorkspaceProfileData,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    (input) =>
      guarded(async () => {
        // The REST API's own request schema: the same validation and messages.
        const request = UpdateWorkspaceProfileRequest.parse(input);
        return dataResult(await services.workspaceProfile.update(principal.workspaceId, actor, request), "Profile updated.");
      }),
  );
};
