/**
 * Replay-then-live delivery of one session's events to one client: subscribe first (buffering),
 * replay the log after the client's last id, then drain the buffer, dropping every id already
 * sent. The result has no gap and no duplicate, whatever races between replay and live events.
 * Replay is paced by the client (`waitForDrain`); live events are pushed as they happen.
 *
 * When the subscriber connection drops and comes back, or a live id skips ahead, the stream
 * catches up the same way from its last delivered id. When the log cannot serve what comes after that id (trimmed, expired,
 * or lost with a Redis restart), `onGap` says so once before the events that are left.
 */
import type { LoggedEvent } from "../contracts";
import type { EventFanout } from "./event-fanout";
import type { EventLog } from "./event-log";

const REPLAY_BATCH = 500;

/** The `type` of the `error` event a stream sends once when the log cannot serve a client's last id. */
export const REPLAY_UNAVAILABLE = "replay_unavailable";

export interface OpenStream {
  /** Id of the newest event delivered so far (the one to resume from). */
  lastDeliveredId(): number;
  close(): void;
}

/** What the log could not serve: events after `afterId` up to just before `resumedAt` (0: nothing left) are gone. */
export interface ReplayGap {
  afterId: number;
  resumedAt: number;
}

export interface StreamHandlers {
  /** Returns a promise when the client must catch up before more replay is sent. */
  waitForDrain?(): Promise<void> | undefined;
  onGap?(gap: ReplayGap): void;
  /** Catching up after a reconnect failed; the stream is closed and the client should come back. */
  onBroken?(error: unknown): void;
}

export async function openSessionEventStream(
  log: EventLog,
  fanout: EventFanout,
  sessionId: string,
  lastEventId: number,
  deliver: (event: LoggedEvent) => void,
  handlers: StreamHandlers = {},
): Promise<OpenStream> {
  const stream = new SessionEventStream(log, sessionId, lastEventId, deliver, handlers);
  // Subscribed first (live events are buffered meanwhile), then replayed: no gap in between.
  stream.unsubscribe = await fanout.subscribe(sessionId, stream);
  try {
    await stream.catchUp();
  } catch (error) {
    stream.unsubscribe();
    throw error;
  }
  return stream;
}

/**
 * One client's stream, as one object (it is its own fan-out listener): a server holding
 * thousands of idle streams keeps one of these per stream, not a dozen closures.
 */
class SessionEventStream implements OpenStream {
  unsubscribe: () => void = () => undefined;
  private lastSent: number;
  private live = false;
  private closed = false;
  private buffered: LoggedEvent[] = [];
  private resyncing?: Promise<void>;

  constructor(
    private readonly log: EventLog,
    private readonly sessionId: string,
    lastEventId: number,
    private readonly deliver: (event: LoggedEvent) => void,
    private readonly handlers: StreamHandlers,
  ) {
    this.lastSent = lastEventId;
  }

  lastDeliveredId(): number {
    return this.lastSent;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
  }

  /** A live event from the fan-out: sent now, or kept until the replay in progress is done. */
  event(event: LoggedEvent): void {
    if (!this.live) {
      this.buffered.push(event);
      return;
    }
    // Ids rise by one and pub/sub delivers at most once: a jump is events this client never got
    // (a dropped message, or ones published before a reconnect was noticed, which is how a
    // Redis restart looks when the worker appends first). The log tells which, and if they are gone.
    if (Number(event.id) > this.lastSent + 1) {
      this.live = false;
      this.buffered.push(event);
      this.resync();
      return;
    }
    this.send(event);
  }

  /** The subscriber reconnected: catch up from the log, after any catch-up still running. */
  resync(): void {
    this.resyncing = (this.resyncing ?? Promise.resolve()).then(() =>
      this.closed
        ? undefined
        : this.catchUp().catch((error: unknown) => {
            this.close();
            this.handlers.onBroken?.(error);
          }),
    );
  }

  /** Replays the log after lastSent, then what arrived live meanwhile; live delivery resumes after. */
  async catchUp(): Promise<void> {
    const { log, sessionId } = this;
    this.live = false;
    const newest = await log.lastId(sessionId);
    // Ahead of the counter: its ids are from before a reset that restarted them (only a session
    // whose ids Postgres never backed, or a counter from before ids were backed). Start over.
    const ahead = this.lastSent > newest;
    const gapAfter = this.lastSent;
    if (ahead) this.lastSent = 0;
    let first = true;
    for (;;) {
      const batch = await log.readAfter(sessionId, this.lastSent, REPLAY_BATCH);
      if (first) {
        first = false;
        const resumedAt = batch.length > 0 ? Number(batch[0]!.id) : 0;
        // Ids rise by one per event, so a jump (or an empty log behind a newer counter) is a loss.
        const lost = ahead || resumedAt > this.lastSent + 1 || (resumedAt === 0 && newest > this.lastSent);
        if (gapAfter > 0 && lost) this.handlers.onGap?.({ afterId: gapAfter, resumedAt });
      }
      for (const event of batch) {
        this.send(event);
        const pause = this.handlers.waitForDrain?.();
        if (pause) await pause;
      }
      if (batch.length < REPLAY_BATCH || this.closed) break;
    }
    const buffered = this.buffered;
    this.buffered = [];
    for (const event of buffered) this.send(event);
    this.live = true;
  }

  private send(event: LoggedEvent): void {
    const id = Number(event.id);
    if (this.closed || id <= this.lastSent) return;
    this.lastSent = id;
    this.deliver(event);
  }
}
