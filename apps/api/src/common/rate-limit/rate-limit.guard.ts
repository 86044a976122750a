/**
 * Counts each request of a rate-limited route against the caller's API key in the route's
 * budget (shared by every instance through Redis) and answers 429 with Retry-After over the
 * limit. Runs after the global ApiKeyGuard, which has set the principal. While Redis cannot
 * answer, requests pass (fail open): a send is stored in Postgres and must not wait on a counter.
 */
import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from "@nestjs/common";
import { Reflector } from "@nestjs/core";
import { RateLimiter, rateLimitExceeded, REDIS_DEADLINE_MS, withDeadline, type ApiServices, type RateLimitResult } from "@mix/core";
import type { Response } from "express";
import { API_SERVICES } from "../api-services.token";
import type { AuthenticatedRequest } from "../auth/principal.decorator";
import { budgetLimit, RATE_LIMIT_BUDGET, RATE_LIMIT_BUDGETS, RATE_LIMIT_WINDOW_MS, type RateLimitBudgetName } from "./rate-limit-budgets";

@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly limiters = new Map<RateLimitBudgetName, RateLimiter>();
  private readonly logger = new Logger("RateLimitGuard");

  constructor(
    @Inject(API_SERVICES) private readonly services: ApiServices,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error("RateLimitGuard used on a route without ApiKeyGuard");
    const name = this.reflector.get<RateLimitBudgetName | undefined>(RATE_LIMIT_BUDGET, context.getHandler()) ?? "chat";
    const budget = RATE_LIMIT_BUDGETS[name];
    const limiter = this.limiter(name);
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

  /** The chat budget is the services' own limiter; the others are made here, once, on the same Redis. */
  private limiter(name: RateLimitBudgetName): RateLimiter {
    let limiter = this.limiters.get(name);
    if (!limiter) {
      const { redis, keys, config, rateLimiter } = this.services;
      limiter = name === "chat" ? rateLimiter : new RateLimiter(redis, keys, { limit: budgetLimit(config, name), windowMs: RATE_LIMIT_WINDOW_MS });
      this.limiters.set(name, limiter);
    }
    return limiter;
  }
}
