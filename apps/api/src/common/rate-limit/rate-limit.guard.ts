/**
 * The rate limits of every route, in one place (a global guard, after the key and role checks):
 * a request of an authenticated route that creates work or changes state (POST, PUT, PATCH,
 * DELETE) takes a token from its API key's and its workspace's buckets, and one from its route's
 * own budget if it has one (`@RateLimited`), all in one Redis call shared by every instance
 * (core RequestLimits). Over any, it answers 429 with Retry-After and the handler never runs.
 * Reads and streams (GET) are not counted here: streams have their own cap
 * (SSE_MAX_STREAMS_PER_KEY). While Redis is down, requests pass uncounted.
 */
import { type CanActivate, type ExecutionContext, Injectable } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { rateLimitExceeded, RequestLimits, type RateLimitBudgetName } from "@mix/core";
import type { Request, Response } from "express";
import type { AuthenticatedRequest } from "../auth/principal.decorator";
import { setRateLimitHeaders } from "./rate-limit-headers";
import { RATE_LIMIT_BUDGET } from "./rate-limited.decorator";

/** Methods that create work or change state: each request of one counts, on every authenticated route. */
const COUNTED_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly limits: RequestLimits,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== "http") return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest & Request>();
    // Public routes (health, docs) have no caller to count.
    if (!request.principal) return true;
    const budget = this.reflector.get<RateLimitBudgetName | undefined>(RATE_LIMIT_BUDGET, context.getHandler());
    const result = await this.limits.take(request.principal, { changesState: COUNTED_METHODS.has(request.method), budget });
    if (!result) return true;
    setRateLimitHeaders(http.getResponse<Response>(), result);
    if (!result.allowed) throw rateLimitExceeded(result);
    return true;
  }
}
