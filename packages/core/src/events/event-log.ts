/**
 * A session's event log. Appending gives the event the session's next id, adds it to a
 * bounded, expiring Redis Stream and publishes it on the session channel, all in one Lua call:
 * the id a live client sees is the id it can resume from, and no subscriber can observe an
 * event that replay would not also return.
 *
 * Ids are handed out only below a top that Postgres has reserved (event-ids.ts): when the
 * counter runs into its top, or Redis lost both (a restart without persistence), the next block
 * is reserved there first. So ids keep rising for the session's whole life, whatever Redis loses.
 */
import type { Redis } from "ioredis";
import type { EventName, EventPayload, LoggedEvent } from "../contracts";
import type { RedisKeys } from "../redis/keys";
import { noteEventAppended } from "../tracing/spans";
import type { EventIdReserver } from "./event-ids";

// KEYS: seq, top, log. ARGV: event, data, maxLen, ttlSeconds, channel. -1: no reserved id left.
const APPEND_SCRIPT = `
local seq = tonumber(redis.call('GET', KEYS[1]))
local top = tonumber(redis.call('GET', KEYS[2]))
if not seq or not top or seq >= top then return -1 end
local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], id .. '-0', 'e', ARGV[1], 'd', ARGV[2])
redis.call('EXPIRE', KEYS[3], ARGV[4])
redis.call('PUBLISH', ARGV[5], id .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2])
return id
`;

// KEYS: seq, top. ARGV: floor, top. A lost counter restarts at the floor (every id handed out is
// at or below it); the top only ever grows (two processes may reserve at once).
const EXTEND_SCRIPT = `
if not redis.call('GET', KEYS[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
local top = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[2]) > top then redis.call('SET', KEYS[2], ARGV[2]) end
return 1
`;

/** Ids reserved in Postgres at a time: one write per this many events of a session. */
export const EVENT_ID_BLOCK = 1_000;

export interface EventLogOptions {
  maxLen: number;
  ttlSeconds: number;
  ids: EventIdReserver;
}

type RedisWithAppend = Redis & {
  mixAppendEvent(seq: string, top: string, log: string, event: string, data: string, maxLen: number, ttl: number, channel: string): Promise<number>;
  mixExtendEventIds(seq: string, top: string, floor: number, top_: number): Promise<number>;
};

export class EventLog {
  private readonly redis: RedisWithAppend;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: EventLogOptions,
  ) {
    if (!("mixAppendEvent" in redis)) redis.defineCommand("mixAppendEvent", { numberOfKeys: 3, lua: APPEND_SCRIPT });
    if (!("mixExtendEventIds" in redis)) redis.defineCommand("mixExtendEventIds", { numberOfKeys: 2, lua: EXTEND_SCRIPT });
    this.redis = redis as RedisWithAppend;
  }

  async append<E extends EventName>(sessionId: string, event: E, data: EventPayload<E>): Promise<LoggedEvent<E>> {
    const encoded = JSON.stringify(data);
    for (;;) {
      const id = await this.redis.mixAppendEvent(
        this.keys.eventSeq(sessionId),
        this.keys.eventSeqTop(sessionId),
        this.keys.eventLog(sessionId),
        event,
        encoded,
        this.options.maxLen,
        this.options.ttlSeconds,
        this.keys.eventChannel(sessionId),
      );
      if (id >= 0) {
        noteEventAppended(event, String(id));
        return { id: String(id), event, data };
      }
      await this.reserveIds(sessionId);
    }
  }

  /** Reserves the next block in Postgres and hands it to the Redis counter (re-seeding a lost one). */
  private async reserveIds(sessionId: string): Promise<void> {
    const current = Number((await this.redis.get(this.keys.eventSeq(sessionId))) ?? 0);
    // A session already gone (its session_deleted event) gets ids Redis alone vouches for.
    const top = (await this.options.ids.reserve(sessionId, EVENT_ID_BLOCK, current)) ?? current + EVENT_ID_BLOCK;
    await this.redis.mixExtendEventIds(this.keys.eventSeq(sessionId), this.keys.eventSeqTop(sessionId), top - EVENT_ID_BLOCK, top);
  }

  /** Events with an id greater than `afterId`, oldest first, at most `limit`. */
  async readAfter(sessionId: string, afterId: number, limit = 1_000): Promise<LoggedEvent[]> {
    const entries = await this.redis.xrange(this.keys.eventLog(sessionId), `(${afterId}-0`, "+", "COUNT", limit);
    return entries.map(([entryId, fields]) => decodeEntry(entryId, fields));
  }

  /** Id of the newest event ever appended (0 when none). */
  async lastId(sessionId: string): Promise<number> {
    return Number((await this.redis.get(this.keys.eventSeq(sessionId))) ?? 0);
  }

  async delete(sessionId: string): Promise<void> {
    await this.redis.del(this.keys.eventSeq(sessionId), this.keys.eventSeqTop(sessionId), this.keys.eventLog(sessionId));
  }
}

function decodeEntry(entryId: string, fields: string[]): LoggedEvent {
  const values = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) values.set(fields[i]!, fields[i + 1]!);
  return {
    id: entryId.slice(0, entryId.indexOf("-")),
    event: values.get("e") as EventName,
    data: JSON.parse(values.get("d") ?? "{}"),
  };
}

/** Parses a message published by the append script: `id\nevent\ndata`. */
export function decodePublished(message: string): LoggedEvent {
  const first = message.indexOf("\n");
  const second = message.indexOf("\n", first + 1);
  return {
    id: message.slice(0, first),
    event: message.slice(first + 1, second) as EventName,
    data: JSON.parse(message.slice(second + 1)),
  };
}
