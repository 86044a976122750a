/**
 * The rate limits of the API: each a budget of its own per API key, with its own setting, so
 * sending messages never eats into the chat budget (and the other way round). Each budget's
 * limiter, counting per minute against its setting, is an application service (RATE_LIMITERS).
 */
export interface RateLimitBudget {
  /** Counted under `<scope>:<api key id>` in Redis. */
  scope: string;
  setting: "RATE_LIMIT_PER_MINUTE" | "MESSAGE_RATE_LIMIT_PER_MINUTE";
  /** What is counted, for the 429 message. */
  what: string;
}

export const RATE_LIMIT_BUDGETS = {
  // "key" was the chat budget's scope before there were others: kept, so its counts carry over.
  chat: { scope: "key", setting: "RATE_LIMIT_PER_MINUTE", what: "requests" },
  messages: { scope: "messages:key", setting: "MESSAGE_RATE_LIMIT_PER_MINUTE", what: "messages" },
} as const satisfies Record<string, RateLimitBudget>;

export type RateLimitBudgetName = keyof typeof RATE_LIMIT_BUDGETS;

/** Metadata key of the budget a route counts against. */
export const RATE_LIMIT_BUDGET = "mix:rate-limit-budget";
