/**
 * Requests per caller per window, counted in Redis so every API instance shares one count.
 * A fixed window starts at the caller's first request; its length is measured by Redis's
 * clock, so instances whose clocks drift still agree on when it ends.
 */
import type { Redis } from "ioredis";
import { rateLimited, type AppError } from "../errors/app-error";
import type { RedisKeys } from "../redis/keys";

// KEYS: counter. ARGV: windowMs. A counter without expiry (first hit, or one that lost its
// TTL) gets the window's, so no key can block a caller forever.
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
`;

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Whole seconds until the window ends (at least 1). */
  retryAfterSeconds: number;
}

type RedisWithHit = Redis & { mixRateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

export class RateLimiter {
  private readonly redis: RedisWithHit;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    readonly options: RateLimitOptions,
  ) {
    if (!("mixRateLimitHit" in redis)) redis.defineCommand("mixRateLimitHit", { numberOfKeys: 1, lua: HIT_SCRIPT });
    this.redis = redis as RedisWithHit;
  }

  /** Counts one request of `scope` (e.g. an API key id) and says whether it is within the limit. */
  async hit(scope: string): Promise<RateLimitResult> {
    const { limit, windowMs } = this.options;
    const [count, ttlMs] = await this.redis.mixRateLimitHit(this.keys.rateLimit(scope), windowMs);
    return {
      allowed: count <= limit,
      limit,
      remaining: Math.max(0, limit - count),
      retryAfterSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
    };
  }
}

/** The 429 answered over the limit, in the contract's error shape; `what` names what is counted. */
export function rateLimitExceeded(result: RateLimitResult, windowMs: number, what = "requests"): AppError {
  const window = windowMs === 60_000 ? "minute" : `${Math.ceil(windowMs / 1000)} s`;
  return rateLimited(`Rate limit exceeded: at most ${result.limit} ${what} per ${window} per API key; retry after ${result.retryAfterSeconds} s`);
}
