import { SetMetadata } from "@nestjs/common";
import type { Role } from "@mix/core";

export const REQUIRED_ROLE = "mix:requiredRole";
/**
 * The least role a key needs for the route (contracts/roles.ts): "read_only" for reads,
 * "member" for sending and changing sessions, "admin" for workspace administration. Every
 * route has one (or is @Public()): the role matrix test fails on a route without.
 */
export const RequiresRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
