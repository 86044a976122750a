/**
 * What an API key (and the member it belongs to) may do. Each role can do everything the roles
 * below it can: read_only reads sessions, messages, files and streams; member also sends,
 * cancels, answers permissions and changes its sessions; admin also manages members, keys,
 * plans, credits and settings and reads the audit log and usage; owner also grants and takes
 * away the admin and owner roles.
 */
import { z } from "zod";

export const Role = z.enum(["owner", "admin", "member", "read_only"]);
export type Role = z.infer<typeof Role>;

const RANK: Record<Role, number> = { read_only: 0, member: 1, admin: 2, owner: 3 };

/** Whether `role` may do what `required` may. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}
