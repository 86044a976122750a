/**
 * Live events for every session watched on this process, over ONE Redis subscriber
 * connection: a session's channel is subscribed when its first listener arrives and dropped
 * when its last one leaves. Commands on one connection run in order, so a SUBSCRIBE issued
 * after a pending UNSUBSCRIBE of the same channel always wins.
 */
import type { Redis } from "ioredis";
import type { LoggedEvent } from "../contracts";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";
import { decodePublished } from "./event-log";

export type EventListener = (event: LoggedEvent) => void;

export class EventFanout {
  private readonly listeners = new Map<string, Set<EventListener>>();
  private readonly ready = new Map<string, Promise<unknown>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    subscriber.on("message", (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Resolves once live delivery is guaranteed; returns the function that stops it. */
  async subscribe(sessionId: string, listener: EventListener): Promise<() => void> {
    const channel = this.keys.eventChannel(sessionId);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.ready.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    await this.ready.get(channel);
    return () => this.remove(channel, listener);
  }

  /** Number of sessions this process is subscribed to (one Redis connection for all). */
  get channelCount(): number {
    return this.listeners.size;
  }

  private remove(channel: string, listener: EventListener): void {
    const set = this.listeners.get(channel);
    if (!set?.delete(listener) || set.size > 0) return;
    this.listeners.delete(channel);
    this.ready.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: unknown) => this.logger.warn({ err: error, channel }, "unsubscribe failed"));
  }

  private dispatch(channel: string, message: string): void {
    const set = this.listeners.get(channel);
    if (!set) return;
    let event: LoggedEvent;
    try {
      event = decodePublished(message);
    } catch (error) {
      this.logger.error({ err: error, channel }, "undecodable event on session channel");
      return;
    }
    for (const listener of set) listener(event);
  }
}
