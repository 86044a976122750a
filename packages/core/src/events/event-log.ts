/**
 * A session's event log. Appending gives the event the session's next id, adds it to a
 * bounded, expiring Redis Stream and publishes it on the session channel, all in one Lua call:
 * the id a live client sees is the id it can resume from, and no subscriber can observe an
 * event that replay would not also return. Events appended together (a burst of deltas) are
 * published as one message: one delivery per subscribed process, not one per event.
 *
 * Ids are handed out only below a top that Postgres has reserved (event-ids.ts): when the
 * counter runs into its top, or Redis lost both (a restart without persistence), the next block
 * is reserved there first. So ids keep rising for the session's whole life, whatever Redis loses.
 */
import type { RedisClient } from "../redis/connection";
import type { EventName, EventPayload, LoggedEvent } from "../contracts";
import type { RedisKeys } from "../redis/keys";
import { noteEventAppended } from "../tracing/spans";
import type { EventIdReserver } from "./event-ids";

// KEYS: seq, top, log. ARGV: maxLen, ttlSeconds, channel, then event, data of each event, in order.
// Appends as many as the reserved ids allow and returns { first id, how many }; { -1, 0 }: none
// left. One read of the counter and its top, one write of the counter, one EXPIRE and one
// PUBLISH per call, however many events it carries (the message's format: event-fanout.ts).
const APPEND_SCRIPT = `
local ids = redis.call('MGET', KEYS[1], KEYS[2])
local seq = tonumber(ids[1])
local top = tonumber(ids[2])
if not seq or not top or seq >= top then return {-1, 0} end
local n = math.min((#ARGV - 3) / 2, top - seq)
local sep = n == 1 and '\\n' or '\\31'
local records = {}
for i = 1, n do
  local id = seq + i
  local event = ARGV[2 + 2 * i]
  local data = ARGV[3 + 2 * i]
  redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[1], id .. '-0', 'e', event, 'd', data)
  records[i] = id .. sep .. event .. sep .. data
end
if n == 1 then
  redis.call('PUBLISH', ARGV[3], records[1])
else
  redis.call('PUBLISH', ARGV[3], '\\30' .. table.concat(records, '\\30'))
end
redis.call('INCRBY', KEYS[1], n)
redis.call('EXPIRE', KEYS[3], ARGV[2])
return {seq + 1, n}
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

/** Most events one append call carries (a burst queued behind the call in flight). */
const MAX_BURST = 256;

export interface EventLogOptions {
  maxLen: number;
  ttlSeconds: number;
  ids: EventIdReserver;
}

type RedisWithAppend = RedisClient & {
  mixAppendEvents(seq: string, top: string, log: string, maxLen: number, ttl: number, channel: string, ...eventsAndData: string[]): Promise<[number, number]>;
  mixExtendEventIds(seq: string, top: string, floor: number, top_: number): Promise<number>;
};

/** An event waiting for its id: it is appended with the events queued with it, in order. */
interface QueuedEvent {
  event: EventName;
  data: unknown;
  encoded: string;
  resolve(logged: LoggedEvent): void;
  reject(error: unknown): void;
}

export class EventLog {
  private readonly redis: RedisWithAppend;
  /**
   * Per session, the events queued while an append call is in flight: they go out together in
   * the next call, in the order they were appended, so a session has one call in flight at a
   * time and a burst (deltas streamed faster than a round trip) costs one call, not one each.
   */
  private readonly queues = new Map<string, QueuedEvent[]>();

  constructor(
    redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly options: EventLogOptions,
  ) {
    if (!("mixAppendEvents" in redis)) redis.defineCommand("mixAppendEvents", { numberOfKeys: 3, lua: APPEND_SCRIPT });
    if (!("mixExtendEventIds" in redis)) redis.defineCommand("mixExtendEventIds", { numberOfKeys: 2, lua: EXTEND_SCRIPT });
    this.redis = redis as RedisWithAppend;
  }

  /** Resolves once the event is in the log and published, with the id it got. */
  append<E extends EventName>(sessionId: string, event: E, data: EventPayload<E>): Promise<LoggedEvent<E>> {
    const appended = new Promise<LoggedEvent>((resolve, reject) => {
      const queued: QueuedEvent = { event, data, encoded: JSON.stringify(data), resolve, reject };
      const queue = this.queues.get(sessionId);
      if (queue) return void queue.push(queued);
      this.queues.set(sessionId, [queued]);
      void this.drain(sessionId);
    });
    // Noted here, in the appender's context, so the event lands on the appender's span.
    return appended.then((logged) => {
      noteEventAppended(event, logged.id);
      return logged as LoggedEvent<E>;
    });
  }

  /** Appends the session's queued events, a burst per call, until none is left. */
  private async drain(sessionId: string): Promise<void> {
    const queue = this.queues.get(sessionId)!;
    while (queue.length > 0) {
      const burst = queue.slice(0, MAX_BURST);
      try {
        await this.appendBurst(sessionId, burst);
        queue.splice(0, burst.length);
      } catch (error) {
        // What was queued behind a failed event fails with it: nothing after a gap goes out.
        for (const queued of queue.splice(0)) queued.reject(error);
      }
    }
    this.queues.delete(sessionId);
  }

  private async appendBurst(sessionId: string, burst: QueuedEvent[]): Promise<void> {
    let next = 0;
    while (next < burst.length) {
      const args: string[] = [];
      for (let i = next; i < burst.length; i++) args.push(burst[i]!.event, burst[i]!.encoded);
      const [first, count] = await this.redis.mixAppendEvents(
        this.keys.eventSeq(sessionId),
        this.keys.eventSeqTop(sessionId),
        this.keys.eventLog(sessionId),
        this.options.maxLen,
        this.options.ttlSeconds,
        this.keys.eventChannel(sessionId),
        ...args,
      );
      for (let i = 0; i < count; i++) {
        const queued = burst[next + i]!;
        queued.resolve({ id: String(first + i), event: queued.event, data: queued.data } as LoggedEvent);
      }
      next += count;
      if (next < burst.length) await this.reserveIds(sessionId);
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
