import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { Principal } from "@mix/core";

export type AuthenticatedRequest = { principal?: Principal };

/** The workspace and key of the authenticated caller (set by ApiKeyGuard). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error("CurrentPrincipal used on a route without ApiKeyGuard");
  return principal;
});
