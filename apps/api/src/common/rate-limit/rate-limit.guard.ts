/**
 * Counts each request of a rate-limited route against the caller's API key (shared by every
 * instance through Redis) and answers 429 with Retry-After over the limit. Runs after the
 * global ApiKeyGuard, which has set the principal.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable } from "@nestjs/common";
import { rateLimitExceeded, type ApiServices } from "@mix/core";
import type { Response } from "express";
import { API_SERVICES } from "../api-services.token";
import type { AuthenticatedRequest } from "../auth/principal.decorator";

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Inject(API_SERVICES) private readonly services: ApiServices) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error("RateLimitGuard used on a route without ApiKeyGuard");
    const { rateLimiter } = this.services;
    const result = await rateLimiter.hit(`key:${principal.apiKeyId}`);
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader("X-RateLimit-Limit", String(result.limit));
    response.setHeader("X-RateLimit-Remaining", String(result.remaining));
    if (result.allowed) return true;
    response.setHeader("Retry-After", String(result.retryAfterSeconds));
    throw rateLimitExceeded(result, rateLimiter.options.windowMs);
  }
}
