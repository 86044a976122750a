/**
 * Live events for every session watched on this process, over ONE Redis subscriber
 * connection: a session's channel is subscribed when its first listener arrives and dropped
 * when its last one leaves. Commands on one connection run in order, so a SUBSCRIBE issued
 * after a pending UNSUBSCRIBE of the same channel always wins.
 *
 * Pub/sub delivers nothing while the connection is down, so after a reconnect every listener
 * is told to catch up from the log (`resync`), once its channel is subscribed again.
 */
import type { RedisClient } from "../redis/connection";
import type { EventName, LoggedEvent } from "../contracts";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";

export type EventListener = (event: LoggedEvent) => void;

export interface FanoutListener {
  event: EventListener;
  /** The connection was lost and is back: events published meanwhile were not delivered. */
  resync?(): void;
}

export class EventFanout {
  private readonly listeners = new Map<string, Set<FanoutListener>>();
  private readonly ready = new Map<string, Promise<unknown>>();
  private disconnected = false;

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    subscriber.on("message", (channel: string, message: string) => this.dispatch(channel, message));
    subscriber.on("close", () => (this.disconnected = true));
    subscriber.on("ready", () => {
      if (!this.disconnected) return;
      this.disconnected = false;
      this.resubscribeAll().catch((error: unknown) => this.logger.error({ err: error }, "could not resubscribe session channels after a reconnect"));
    });
  }

  /** Resolves once live delivery is guaranteed; returns the function that stops it. */
  async subscribe(sessionId: string, listener: EventListener | FanoutListener): Promise<() => void> {
    const entry = typeof listener === "function" ? { event: listener } : listener;
    const channel = this.keys.eventChannel(sessionId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.ready.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(entry);
    await this.ready.get(channel);
    return () => this.remove(channel, entry);
  }

  /** Number of sessions this process is subscribed to (one Redis connection for all). */
  get channelCount(): number {
    return this.listeners.size;
  }

  /**
   * Subscribes every watched channel again (ioredis re-sends them too; doing it here is what
   * lets us know when it is done), then tells the listeners to catch up from the log.
   */
  private async resubscribeAll(): Promise<void> {
    const channels = [...this.listeners.keys()];
    if (channels.length === 0) return;
    this.logger.warn({ channels: channels.length }, "event subscriber reconnected; streams catch up from the log");
    await this.subscriber.subscribe(...channels);
    for (const channel of channels) for (const listener of this.listeners.get(channel) ?? []) listener.resync?.();
  }

  private remove(channel: string, listener: FanoutListener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    this.ready.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: unknown) => this.logger.warn({ err: error, channel }, "unsubscribe failed"));
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    const events = decodePublished(message);
    if (!events) {
      this.logger.error({ channel }, "undecodable event on session channel");
      return;
    }
    for (const event of events) for (const listener of set) listener.event(event);
  }
}

/** The JSON text of each live event's data, exactly as its appender encoded it. */
const publishedData = new WeakMap<LoggedEvent, string>();

/**
 * The data of an event delivered live, as the JSON text it was published with (undefined for an
 * event read from the log or made here): what an SSE stream writes as it is, without parsing.
 */
export function publishedJson(event: LoggedEvent): string | undefined {
  return publishedData.get(event);
}

/** Opens a message of several events; separates them (record separator) and their fields (unit separator). */
const BATCH_MARK = "\x1e";
const FIELD_MARK = "\x1f";

/**
 * A message published by the append script as its events, in order. One event is
 * `id\nevent\ndata`; the events of one append call are `\x1e` followed by their records,
 * `id\x1fevent\x1fdata`, joined by `\x1e`. Data is JSON text, which holds neither character nor
 * a raw line break. A process from before batches reads a batch as undecodable (it has no line
 * break) and drops it; the next single event's id then skips ahead and its streams catch up
 * from the log (session-event-stream.ts), so a mixed fleet loses nothing.
 */
function decodePublished(message: string): LoggedEvent[] | undefined {
  if (!message.startsWith(BATCH_MARK)) {
    const event = decodeRecord(message, 0, message.length, "\n");
    return event ? [event] : undefined;
  }
  const events: LoggedEvent[] = [];
  for (let start = 1; start <= message.length;) {
    const end = message.indexOf(BATCH_MARK, start);
    const stop = end < 0 ? message.length : end;
    const event = decodeRecord(message, start, stop, FIELD_MARK);
    if (!event) return undefined;
    events.push(event);
    start = stop + 1;
  }
  return events.length > 0 ? events : undefined;
}

/**
 * `message[start, stop)` as an event whose data is parsed on first read, once for all the
 * process's listeners: a process that only relays the event to SSE clients never parses it.
 */
function decodeRecord(message: string, start: number, stop: number, separator: string): LoggedEvent | undefined {
  const first = message.indexOf(separator, start);
  const second = first < 0 || first >= stop ? -1 : message.indexOf(separator, first + 1);
  if (second < 0 || second >= stop) return undefined;
  const json = message.slice(second + 1, stop);
  let data: unknown;
  let parsed = false;
  const event = {
    id: message.slice(start, first),
    event: message.slice(first + 1, second) as EventName,
    get data() {
      if (!parsed) {
        data = JSON.parse(json);
        parsed = true;
      }
      return data;
    },
  } as LoggedEvent;
  publishedData.set(event, json);
  return event;
}
