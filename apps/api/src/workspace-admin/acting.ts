/** Who acts in a workspace-admin request: the caller's actor for the audit log, with its key's role for the role rules. */
import type { Acting, Actor, Principal } from "@mix/core";

export const actingOf = (principal: Principal, actor: Actor): Acting => ({ actor, role: principal.role });
