/**
 * The request limits of a caller, for every door requests come in by (the REST API's guard,
 * the MCP server's tools): the buckets of its key, its workspace (sized by the workspace's plan)
 * and the budget of what it does, taken in one Redis call shared by every instance.
 *
 * While Redis cannot answer, requests pass uncounted (fail open) with a warning: a send is stored
 * in Postgres and must not wait on a counter. A connection known to be down is not waited for.
 */
import type { Logger } from "../logging/logger";
import { REDIS_DEADLINE_MS, withDeadline } from "../redis/deadline";
import { requestBuckets, type CountedRequest, type RateLimitSettings } from "../rate-limit/request-buckets";
import type { TakeResult, TokenBucket } from "../rate-limit/token-bucket";
import type { WorkspacePlans } from "./workspace-plans";

/** While Redis stays down, the warning is repeated at most this often (not on every request). */
const WARN_EVERY_MS = 30_000;

export interface RequestLimitsDeps {
  buckets: TokenBucket;
  plans: WorkspacePlans;
  settings: RateLimitSettings;
  logger: Logger;
}

export class RequestLimits {
  private lastWarning = 0;

  constructor(private readonly deps: RequestLimitsDeps) {}

  /** Counts one request; null when it passed uncounted (Redis down), else whether it is allowed and what is left. */
  async take(caller: { workspaceId: string; apiKeyId: string }, request: CountedRequest): Promise<TakeResult | null> {
    if (!request.changesState && !request.budget) return null;
    const { buckets, plans, settings } = this.deps;
    if (!buckets.connected) return this.uncounted(new Error("Redis is not connected"));
    const plan = await plans.get(caller.workspaceId);
    try {
      return await withDeadline(buckets.take(caller.workspaceId, requestBuckets(caller.apiKeyId, plan, settings, request)), REDIS_DEADLINE_MS);
    } catch (error) {
      return this.uncounted(error);
    }
  }

  private uncounted(error: unknown): null {
    const now = Date.now();
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.lastWarning = now;
      this.deps.logger.warn({ err: error }, "rate limits not counted: Redis did not answer; requests pass until it does");
    }
    return null;
  }
}
