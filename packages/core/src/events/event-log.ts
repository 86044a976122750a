/**
 * A session's event log. Appending gives the event the session's next id, adds it to a
 * bounded, expiring Redis Stream and publishes it on the session channel, all in one Lua call:
 * the id a live client sees is the id it can resume from, and no subscriber can observe an
 * event that replay would not also return.
 */
import type { Redis } from "ioredis";
import type { EventName, EventPayload, LoggedEvent } from "../contracts";
import type { RedisKeys } from "../redis/keys";

// KEYS: seq, log. ARGV: event, data, maxLen, ttlSeconds, channel.
const APPEND_SCRIPT = `
local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], id .. '-0', 'e', ARGV[1], 'd', ARGV[2])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[5], id .. '\\n' .. ARGV[1] .. '\\n' .. ARGV[2])
return id
`;

export interface EventLogOptions {
  maxLen: number;
  ttlSeconds: number;
}

type RedisWithAppend = Redis & {
  mixAppendEvent(seq: string, log: string, event: string, data: string, maxLen: number, ttl: number, channel: string): Promise<number>;
};

export class EventLog {
  private readonly redis: RedisWithAppend;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
    private readonly options: EventLogOptions,
  ) {
    if (!("mixAppendEvent" in redis)) redis.defineCommand("mixAppendEvent", { numberOfKeys: 2, lua: APPEND_SCRIPT });
    this.redis = redis as RedisWithAppend;
  }

  async append<E extends EventName>(sessionId: string, event: E, data: EventPayload<E>): Promise<LoggedEvent<E>> {
    const id = await this.redis.mixAppendEvent(
      this.keys.eventSeq(sessionId),
      this.keys.eventLog(sessionId),
      event,
      JSON.stringify(data),
      this.options.maxLen,
      this.options.ttlSeconds,
      this.keys.eventChannel(sessionId),
    );
    return { id: String(id), event, data };
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
    await this.redis.del(this.keys.eventSeq(sessionId), this.keys.eventLog(sessionId));
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
