/** `@RateLimited(budget)`: a route counted against a per-key budget, with its 429 in the OpenAPI document. */
import { applyDecorators, SetMetadata, UseGuards } from "@nestjs/common";
import { ApiResponse } from "@nestjs/swagger";
import { errorContent } from "../openapi/zod-openapi";
import { RATE_LIMIT_BUDGET, RATE_LIMIT_BUDGETS, type RateLimitBudgetName } from "./rate-limit-budgets";
import { RateLimitGuard } from "./rate-limit.guard";

/** Counts the route against the caller's per-minute budget `budget` (its setting, e.g. RATE_LIMIT_PER_MINUTE); 429 over it. */
export const RateLimited = (budget: RateLimitBudgetName = "chat") =>
  applyDecorators(
    SetMetadata(RATE_LIMIT_BUDGET, budget),
    UseGuards(RateLimitGuard),
    ApiResponse({
      status: 429,
      description: `Rate limit exceeded (${RATE_LIMIT_BUDGETS[budget].setting} per API key): retry after the seconds in Retry-After`,
      headers: { "Retry-After": { description: "Seconds until the limit resets", schema: { type: "integer" } } },
      content: errorContent(),
    }),
  );
