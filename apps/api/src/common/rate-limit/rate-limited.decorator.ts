/**
 * `@RateLimited(budget)`: a route that, besides the limits every state-changing route has, counts
 * against a per-key budget of its own (its setting, e.g. RATE_LIMIT_PER_MINUTE). The global
 * RateLimitGuard reads the mark; this adds the route's 429 to the OpenAPI document.
 */
import { applyDecorators, SetMetadata } from "@nestjs/common";
import { ApiResponse } from "@nestjs/swagger";
import { RATE_LIMIT_BUDGETS, type RateLimitBudgetName } from "@mix/core";
import { errorContent } from "../openapi/zod-openapi";

/** Metadata key of the budget a route counts against. */
export const RATE_LIMIT_BUDGET = "mix:rate-limit-budget";

/** Counts the route against the caller's per-minute budget `budget`; 429 over it. */
export const RateLimited = (budget: RateLimitBudgetName = "chat") =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_BUDGET, budget),
    ApiResponse({
      status: 429,
      description: `Rate limit exceeded (${RATE_LIMIT_BUDGETS[budget].setting} per API key): retry after the seconds in Retry-After`,
      headers: { "Retry-After": { description: "Seconds until the limit resets", schema: { type: "integer" } } },
      content: errorContent(),
    }),
  );
