/**
 * Token buckets in Redis, shared by every API instance: each bucket holds up to `burst` tokens
 * and refills `limit` tokens per `windowMs`, continuously. A request takes one token from each
 * bucket it counts against, in one Lua script (atomic: every bucket or none), and learns what is
 * left and how long until the next token. A bucket that would be full is deleted by its expiry,
 * so idle callers cost nothing. Times come from Redis's clock unless a clock is injected (tests),
 * so instances whose clocks drift still agree.
 */
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";

// KEYS: the buckets (hashes: level `l`, at `t` ms). ARGV: now in ms ('' for Redis's clock), then
// per bucket: burst, limit, windowMs. Refills each bucket by the time since it was last seen,
// takes one token from every bucket if each has one (else from none), stores the levels and
// answers per bucket: level after (floored), ms until it holds a token, ms until it is full.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local time = redis.call('TIME')
  now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end
-- Levels are fractions: a hair under one token (float rounding) counts as one.
local EPSILON = 1e-6
local levels, rates, bursts, ats = {}, {}, {}, {}
local allowed = 1
for i = 1, #KEYS do
  local burst = tonumber(ARGV[i * 3 - 1])
  local rate = tonumber(ARGV[i * 3]) / tonumber(ARGV[i * 3 + 1])
  local state = redis.call('HMGET', KEYS[i], 'l', 't')
  local level, at = tonumber(state[1]), tonumber(state[2])
  if level == nil or at == nil then level, at = burst, now end
  -- A clock behind the stored time refills nothing (and never refills twice later).
  if now > at then level = level + (now - at) * rate; at = now end
  if level > burst then level = burst end
  levels[i], rates[i], bursts[i], ats[i] = level, rate, burst, at
  if level + EPSILON < 1 then allowed = 0 end
end
local answer = {allowed}
for i = 1, #KEYS do
  local level = levels[i]
  if allowed == 1 then level = level - 1 end
  local untilFull = math.ceil((bursts[i] - level) / rates[i])
  redis.call('HSET', KEYS[i], 'l', string.format('%.6f', level), 't', ats[i])
  redis.call('PEXPIRE', KEYS[i], untilFull + 1000)
  local untilToken = 0
  if level + EPSILON < 1 then untilToken = math.ceil((1 - level) / rates[i]) end
  table.insert(answer, math.floor(level + EPSILON))
  table.insert(answer, untilToken)
  table.insert(answer, untilFull)
end
return answer
`;

/** A bucket: `limit` tokens refilled per `windowMs`, holding at most `burst` (default: `limit`). */
export interface BucketPolicy {
  limit: number;
  windowMs: number;
  burst?: number;
}

/** One bucket a request counts against; `scope` names it within its group (e.g. `key:<api key id>`). */
export interface Bucket extends BucketPolicy {
  scope: string;
}

export interface BucketState {
  bucket: Bucket;
  /** Whole tokens left after this request. */
  remaining: number;
  /** Ms until the bucket holds a token again (0 while it holds one). */
  waitMs: number;
  /** Ms until the bucket is full again. */
  fullMs: number;
}

export interface TakeResult {
  /** True when every bucket had a token (one was taken from each); false: none was taken. */
  allowed: boolean;
  buckets: BucketState[];
  /** Whole seconds until every bucket holds a token (at least 1 when refused; 0 when allowed). */
  retryAfterSeconds: number;
}

export interface TokenBucketOptions {
  /** Milliseconds now; default Redis's own clock (one clock for every instance). */
  clock?: () => number;
}

type TakeCommand = (...args: (string | number)[]) => Promise<number[]>;

/** Most buckets one call counts against (a request counts against a few: its key, its workspace, a budget). */
export const MAX_BUCKETS_PER_TAKE = 8;

export class TokenBucket {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: TokenBucketOptions = {},
  ) {
    // One command per number of keys, all defined now: a cluster client routes a command by its
    // first key, which it finds only when the command says how many keys it has (auto-pipelining
    // would otherwise route by the count). Defined later, a command would be missing from an
    // auto-pipeline already open.
    for (let count = 1; count <= MAX_BUCKETS_PER_TAKE; count++) {
      if (!(commandName(count) in redis)) redis.defineCommand(commandName(count), { numberOfKeys: count, lua: TAKE_SCRIPT });
    }
  }

  private takeCommand(keyCount: number): TakeCommand {
    if (keyCount > MAX_BUCKETS_PER_TAKE) throw new Error(`at most ${MAX_BUCKETS_PER_TAKE} buckets per take, not ${keyCount}`);
    const command = (this.redis as unknown as Record<string, TakeCommand>)[commandName(keyCount)]!;
    return command.bind(this.redis);
  }

  /** Whether Redis can answer now: a caller that fails open need not wait for a connection that is down. */
  get connected(): boolean {
    return this.redis.status === "ready";
  }

  /**
   * Takes one token from each bucket, or none when any is empty. The buckets of one call share
   * `group` (e.g. the workspace id) as a hash tag, so the script stays valid on Redis Cluster.
   */
  async take(group: string, buckets: Bucket[]): Promise<TakeResult> {
    if (buckets.length === 0) return { allowed: true, buckets: [], retryAfterSeconds: 0 };
    const now = this.options.clock ? String(Math.floor(this.options.clock())) : "";
    const args = buckets.flatMap((bucket) => [bucket.burst ?? bucket.limit, bucket.limit, bucket.windowMs]);
    const keys = buckets.map((bucket) => this.keys.rateLimit(`tb:{${group}}:${bucket.scope}`));
    const answer = await this.takeCommand(keys.length)(...keys, now, ...args);
    const states = buckets.map((bucket, i) => ({ bucket, remaining: answer[1 + i * 3]!, waitMs: answer[2 + i * 3]!, fullMs: answer[3 + i * 3]! }));
    const allowed = answer[0] === 1;
    const waitMs = Math.max(...states.map((state) => state.waitMs));
    return { allowed, buckets: states, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(waitMs / 1000)) };
  }
}

const commandName = (keyCount: number) => `mixTokenBucketTake${keyCount}`;
