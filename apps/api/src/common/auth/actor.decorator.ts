import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import type { Actor } from "@mix/core";
import type { Request } from "express";
import type { AuthenticatedRequest } from "./principal.decorator";

/** Who is asking, for the audit log: the caller's key and member (set by ApiKeyGuard) and its address. */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest & Request>();
  const principal = request.principal;
  if (!principal) throw new Error("CurrentActor used on a route without ApiKeyGuard");
  return { apiKeyId: principal.apiKeyId, memberId: principal.memberId, address: request.ip ?? null };
});
