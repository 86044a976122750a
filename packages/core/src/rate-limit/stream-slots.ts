/**
 * Caps how many long-lived connections (SSE streams) one caller holds at once, across every
 * API instance. Each connection is a member of a Redis sorted set scored by when it lapses;
 * its holder refreshes it on every heartbeat and removes it when the connection ends. A crashed
 * instance refreshes nothing, so its connections lapse within one TTL instead of counting forever.
 * Times come from Redis's clock, so instances whose clocks drift still agree.
 */
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";

// KEYS: the set. ARGV: connection id, limit, ttlMs. Drops lapsed members, then takes a slot
// unless the set is full; when full, answers how long until its oldest member would lapse.
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {0, tonumber(oldest[2]) - now}
end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {1, 0}
`;

// KEYS: the set. ARGV: connection id, ttlMs. A member that lapsed meanwhile (a stalled event
// loop) is added back: its connection is alive, and cutting it off would be worse than one
// connection over the cap until it ends.
const REFRESH_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

// A stream's slot lapses after three missed heartbeats: one late heartbeat never frees a live
// stream's slot, and a crashed instance's slots are free again within this long.
const SLOT_TTL_HEARTBEATS = 3;

/** How long a stream's slot lives without a heartbeat's refresh. */
export const streamSlotTtlMs = (heartbeatMs: number): number => SLOT_TTL_HEARTBEATS * heartbeatMs;

export interface StreamSlotsOptions {
  /** Connections one scope may hold at once. */
  limit: number;
  /** How long a slot lives without a refresh; a few heartbeats, so one late heartbeat is harmless. */
  ttlMs: number;
}

export type SlotAcquired = { acquired: true } | { acquired: false; limit: number; retryAfterSeconds: number };

type RedisWithSlots = RedisClient & {
  mixStreamSlotAcquire(key: string, id: string, limit: number, ttlMs: number): Promise<[number, number]>;
  mixStreamSlotRefresh(key: string, id: string, ttlMs: number): Promise<number>;
};

export class StreamSlots {
  private readonly redis: RedisWithSlots;

  constructor(
    redis: RedisClient,
    private readonly keys: RedisKeys,
    readonly options: StreamSlotsOptions,
  ) {
    if (!("mixStreamSlotAcquire" in redis)) {
      redis.defineCommand("mixStreamSlotAcquire", { numberOfKeys: 1, lua: ACQUIRE_SCRIPT });
      redis.defineCommand("mixStreamSlotRefresh", { numberOfKeys: 1, lua: REFRESH_SCRIPT });
    }
    this.redis = redis as RedisWithSlots;
  }

  /** Takes a slot of `scope` (e.g. an API key id) for the connection `id`, unless the scope holds `limit` already. */
  async acquire(scope: string, id: string): Promise<SlotAcquired> {
    const { limit, ttlMs } = this.options;
    const [acquired, lapsesInMs] = await this.redis.mixStreamSlotAcquire(this.key(scope), id, limit, ttlMs);
    if (acquired === 1) return { acquired: true };
    return { acquired: false, limit, retryAfterSeconds: Math.max(1, Math.ceil(lapsesInMs / 1000)) };
  }

  /** Keeps the slot alive; call more often than ttlMs (on each heartbeat). */
  async refresh(scope: string, id: string): Promise<void> {
    await this.redis.mixStreamSlotRefresh(this.key(scope), id, this.options.ttlMs);
  }

  async release(scope: string, id: string): Promise<void> {
    await this.redis.zrem(this.key(scope), id);
  }

  /** How many slots `scope` holds now, lapsed ones included until the next acquire drops them. */
  held(scope: string): Promise<number> {
    return this.redis.zcard(this.key(scope));
  }

  // Beside the rate-limit counters: both are per-caller limits, and both expire on their own.
  private key(scope: string): string {
    return this.keys.rateLimit(`streams:${scope}`);
  }
}
