/** Keys of every role in one workspace, made as the command line makes them (the system, as an owner). */
import { SYSTEM_ACTOR, type ApplicationServices, type Role } from "@mix/core";

export const ROLES: Role[] = ["owner", "admin", "member", "read_only"];

export async function workspaceOf(services: ApplicationServices, key: string): Promise<string> {
  const principal = await services.apiKeys.authenticate(key);
  if (!principal) throw new Error("not a valid key");
  return principal.workspaceId;
}

/** A service key of each role in the workspace: role -> { secret, id }. */
export async function createRoleKeys(services: ApplicationServices, workspaceId: string): Promise<Record<Role, { secret: string; id: string }>> {
  const keys = {} as Record<Role, { secret: string; id: string }>;
  for (const role of ROLES) {
    const { key, secret } = await services.keysAdmin.create(workspaceId, { actor: SYSTEM_ACTOR, role: "owner" }, { name: `${role} service`, role });
    keys[role] = { secret, id: key.id };
  }
  return keys;
}
