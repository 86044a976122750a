/**
 * Counts each request of a rate-limited route against the caller's API key in the route's
 * budget (shared by every instance through Redis) and answers 429 with Retry-After over the
 * limit. Runs after the global ApiKeyGuard, which has set the principal. While Redis cannot
 * answer, requests pass (fail open): a send is stored in Postgres and must not wait on a counter.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { rateLimitExceeded, REDIS_DEADLINE_MS, withDeadline, type RateLimitResult } from "@mix/core";
import type { Response } from "express";
import type { AuthenticatedRequest } from "../auth/principal.decorator";
import { RATE_LIMIT_BUDGET, RATE_LIMIT_BUDGETS, type RateLimitBudgetName } from "./rate-limit-budgets";
import { RATE_LIMITERS, type RateLimiters } from "./rate-limiters";

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger("RateLimitGuard");

  constructor(
    @Inject(RATE_LIMITERS) private readonly limiters: RateLimiters,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error("RateLimitGuard used on a route without ApiKeyGuard");
    const name = this.reflector.get<RateLimitBudgetName | undefined>(RATE_LIMIT_BUDGET, context.getHandler()) ?? "chat";
    const budget = RATE_LIMIT_BUDGETS[name];
    const limiter = this.limiters[name];
    let result: RateLimitResult;
    try {
      result = await withDeadline(limiter.hit(`${budget.scope}:${principal.apiKeyId}`), REDIS_DEADLINE_MS);
    } catch (error) {
      this.logger.warn({ err: error, budget: name }, "rate limit not counted: Redis did not answer; the request passes");
      return true;
    }
    const response = context.switchToHttp().getResponse<Response>();
    response.setHeader("X-RateLimit-Limit", String(result.limit));
    response.setHeader("X-RateLimit-Remaining", String(result.remaining));
    if (result.allowed) return true;
    response.setHeader("Retry-After", String(result.retryAfterSeconds));
    throw rateLimitExceeded(result, limiter.options.windowMs, budget.what);
  }
}
