/** The limiter that counts each budget; both are application services, sharing one class. */
import type { ApplicationServices, RateLimiter } from "@mix/core";
import type { RateLimitBudgetName } from "./rate-limit-budgets";

export const RATE_LIMITERS = Symbol("RateLimiters");

export type RateLimiters = Record<RateLimitBudgetName, RateLimiter>;

export function rateLimitersOf(services: Pick<ApplicationServices, "rateLimiter" | "messageRateLimiter">): RateLimiters {
  return { chat: services.rateLimiter, messages: services.messageRateLimiter };
}
