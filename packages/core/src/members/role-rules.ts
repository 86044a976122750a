/**
 * Who may hand out which role, in one place. Managing members and keys takes an admin (the
 * routes require it; the CLI acts as an owner). Above that:
 * - only an owner grants owner or admin (to a member or a key), and only an owner changes,
 *   removes or revokes the keys of an admin or an owner;
 * - an admin grants member and read_only, and manages members and keys of those roles;
 * - a member's key never has a role above its member's;
 * - the last owner of a workspace (among its members) cannot be demoted or removed;
 * - any key may revoke itself.
 */
import { forbidden, badRequest, conflict } from "../errors/app-error";
import { roleAtLeast, type Role } from "../contracts";
import type { Actor } from "../audit/audit-entry";

/** Who acts: the audit log's actor, and the role it acts with (a key's; the command line's is owner). */
export interface Acting {
  actor: Actor;
  role: Role;
  /** Set by the command line, so its entries say where they came from. */
  via?: "cli";
}

/** The roles only an owner hands out or takes away. */
const OWNER_GRANTED = (role: Role) => roleAtLeast(role, "admin");

/** May `actor` give a member or a key the role `role`? */
export function assertMayGrant(actor: Role, role: Role): void {
  if (!roleAtLeast(actor, "admin")) throw forbidden("Managing members and keys needs the admin role");
  if (OWNER_GRANTED(role) && actor !== "owner") throw forbidden(`Only an owner may grant the ${role} role`);
}

/** May `actor` change or remove a member whose role is `current`? */
export function assertMayManage(actor: Role, current: Role): void {
  if (!roleAtLeast(actor, "admin")) throw forbidden("Managing members and keys needs the admin role");
  if (OWNER_GRANTED(current) && actor !== "owner") throw forbidden(`Only an owner may change or remove a member with the ${current} role`);
}

/** May `actor` change a member's role from `from` to `to`? */
export function assertMayChangeRole(actor: Role, from: Role, to: Role): void {
  assertMayManage(actor, from);
  assertMayGrant(actor, to);
}

/** A member's key can do at most what its member can. */
export function assertKeyWithinMember(member: Role, key: Role): void {
  if (!roleAtLeast(member, key)) throw badRequest(`A key of a member with the ${member} role cannot have the ${key} role`);
}

/** May `acting` (its own key `actingKeyId`) revoke `key`? Its own key always; an admin's or owner's key only as an owner. */
export function assertMayRevoke(acting: { role: Role; apiKeyId: string | null }, key: { id: string; role: Role }): void {
  if (acting.apiKeyId !== null && acting.apiKeyId === key.id) return;
  if (!roleAtLeast(acting.role, "admin")) throw forbidden("Managing members and keys needs the admin role");
  if (OWNER_GRANTED(key.role) && acting.role !== "owner") throw forbidden(`Only an owner may revoke a key with the ${key.role} role`);
}

/** Demoting or removing an owner leaves `otherOwners` owners among the members: never none. */
export function assertOwnerRemains(otherOwners: number): void {
  if (otherOwners < 1) throw conflict("The workspace's last owner cannot be demoted or removed: make another member an owner first");
}
