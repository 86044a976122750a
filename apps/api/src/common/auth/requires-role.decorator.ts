import { applyDecorators, SetMetadata } from "@nestjs/common";
import { ApiResponse } from "@nestjs/swagger";
import type { Role } from "@mix/core";
import { errorContent } from "../openapi/zod-openapi";

export const REQUIRED_ROLE = "mix:requiredRole";
/**
 * The least role a key needs for the route (contracts/roles.ts): "read_only" for reads,
 * "member" for sending and changing sessions, "admin" for workspace administration. Every
 * route has one (or is @Public()): RoleGuard refuses a route without, and the role matrix test
 * fails on it. Above read_only the route documents its 403.
 */
export const RequiresRole = (role: Role) =>
  role === "read_only"
    ? SetMetadata(REQUIRED_ROLE, role)
    : applyDecorators(
        SetMetadata(REQUIRED_ROLE, role),
        ApiResponse({ status: 403, description: `Forbidden: the API key's role is below ${role}`, content: errorContent() }),
      );
