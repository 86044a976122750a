/**
 * What a request counts against. Every request that creates work or changes state (a REST
 * POST, PUT, PATCH or DELETE; an MCP tool that is not read-only) takes a token from its API
 * key's bucket and from its workspace's, sized by the workspace's plan, else by
 * KEY_RATE_LIMIT_PER_MINUTE and WORKSPACE_RATE_LIMIT_PER_MINUTE. Sending a message and chatting
 * also take one from a budget of their own per key, with its own setting, so sends never eat
 * into the chat budget (and the other way round). Each bucket holds a minute's worth (its burst)
 * and refills evenly over the minute.
 */
import type { Config } from "../config/config";
import { rateLimited, type AppError } from "../errors/app-error";
import type { Bucket, BucketState, TakeResult } from "./token-bucket";

export interface RateLimitBudget {
  /** The bucket's name within the workspace's group, before `:key:<api key id>`. */
  scope: string;
  setting: "RATE_LIMIT_PER_MINUTE" | "MESSAGE_RATE_LIMIT_PER_MINUTE";
  /** What is counted, for the 429 message. */
  what: string;
}

export const RATE_LIMIT_BUDGETS = {
  chat: { scope: "chat", setting: "RATE_LIMIT_PER_MINUTE", what: "requests" },
  messages: { scope: "messages", setting: "MESSAGE_RATE_LIMIT_PER_MINUTE", what: "messages" },
} as const satisfies Record<string, RateLimitBudget>;

export type RateLimitBudgetName = keyof typeof RATE_LIMIT_BUDGETS;

export type RateLimitSettings = Pick<
  Config,
  "KEY_RATE_LIMIT_PER_MINUTE" | "WORKSPACE_RATE_LIMIT_PER_MINUTE" | "RATE_LIMIT_PER_MINUTE" | "MESSAGE_RATE_LIMIT_PER_MINUTE"
>;

/** A plan's request limits; null: the deployment's setting. */
export interface PlanRequestLimits {
  keyRequestsPerMinute: number | null;
  workspaceRequestsPerMinute: number | null;
}

/** What a request counts against: the key's and workspace's buckets when it changes state, and a budget. */
export interface CountedRequest {
  changesState: boolean;
  budget?: RateLimitBudgetName;
}

/** A bucket with its name in `RateLimit-Policy`, what a refusal by it says, and the budget it is (if one). */
export interface LimitedBucket extends Bucket {
  name: string;
  /** For the 429: "requests per minute per API key". */
  describes: string;
  budget?: RateLimitBudgetName;
}

export type LimitedState = BucketState & { bucket: LimitedBucket };

const WINDOW_MS = 60_000;

/** The buckets one request of `apiKeyId` takes a token from. */
export function requestBuckets(apiKeyId: string, plan: PlanRequestLimits, settings: RateLimitSettings, request: CountedRequest): LimitedBucket[] {
  const buckets: LimitedBucket[] = [];
  if (request.changesState) {
    const perKey = plan.keyRequestsPerMinute ?? settings.KEY_RATE_LIMIT_PER_MINUTE;
    const perWorkspace = plan.workspaceRequestsPerMinute ?? settings.WORKSPACE_RATE_LIMIT_PER_MINUTE;
    buckets.push({ scope: `key:${apiKeyId}`, name: "key", limit: perKey, windowMs: WINDOW_MS, describes: "requests per minute per API key" });
    buckets.push({ scope: "workspace", name: "workspace", limit: perWorkspace, windowMs: WINDOW_MS, describes: "requests per minute for this workspace" });
  }
  if (request.budget) {
    const budget = RATE_LIMIT_BUDGETS[request.budget];
    buckets.push({
      scope: `${budget.scope}:key:${apiKeyId}`,
      name: request.budget,
      limit: settings[budget.setting],
      windowMs: WINDOW_MS,
      describes: `${budget.what} per minute per API key`,
      budget: request.budget,
    });
  }
  return buckets;
}

/** The bucket an answer reports: a refusing one if any (the longest wait), else the one with the fewest tokens left. */
export function reportedBucket(result: TakeResult): LimitedState {
  const states = result.buckets as LimitedState[];
  const refusing = result.allowed ? [] : states.filter((state) => state.waitMs > 0);
  if (refusing.length > 0) return refusing.reduce((worst, state) => (state.waitMs > worst.waitMs ? state : worst));
  return states.reduce((worst, state) =>
    state.remaining < worst.remaining || (state.remaining === worst.remaining && state.fullMs > worst.fullMs) ? state : worst,
  );
}

/** The 429 of a refused request, in the contract's error shape, naming the limit that refused it. */
export function rateLimitExceeded(result: TakeResult): AppError {
  const { bucket } = reportedBucket(result);
  return rateLimited(`Rate limit exceeded: at most ${bucket.limit} ${bucket.describes}; retry after ${result.retryAfterSeconds} s`);
}
