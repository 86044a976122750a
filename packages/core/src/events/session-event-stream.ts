/**
 * Replay-then-live delivery of one session's events to one client: subscribe first (buffering),
 * replay the log after the client's last id, then drain the buffer, dropping every id already
 * sent. The result has no gap and no duplicate, whatever races between replay and live events.
 * Replay is paced by the client (`waitForDrain`); live events are pushed as they happen.
 *
 * When the subscriber connection drops and comes back, the stream catches up the same way from
 * its last delivered id. When the log cannot serve what comes after that id (trimmed, expired,
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
  { waitForDrain, onGap, onBroken }: StreamHandlers = {},
): Promise<OpenStream> {
  let lastSent = lastEventId;
  let live = false;
  let closed = false;
  const buffered: LoggedEvent[] = [];

  const send = (event: LoggedEvent) => {
    const id = Number(event.id);
    if (closed || id <= lastSent) return;
    lastSent = id;
    deliver(event);
  };

  // Replays the log after lastSent, then what arrived live meanwhile; live delivery resumes after.
  const catchUp = async () => {
    live = false;
    const newest = await log.lastId(sessionId);
    // Ahead of the counter: its ids are from before a reset that restarted them (only a session
    // whose ids Postgres never backed, or a counter from before ids were backed). Start over.
    const ahead = lastSent > newest;
    const gapAfter = lastSent;
    if (ahead) lastSent = 0;
    let first = true;
    for (;;) {
      const batch = await log.readAfter(sessionId, lastSent, REPLAY_BATCH);
      if (first) {
        first = false;
        const resumedAt = batch.length > 0 ? Number(batch[0]!.id) : 0;
        // Ids rise by one per event, so a jump (or an empty log behind a newer counter) is a loss.
        const lost = ahead || resumedAt > lastSent + 1 || (resumedAt === 0 && newest > lastSent);
        if (gapAfter > 0 && lost) onGap?.({ afterId: gapAfter, resumedAt });
      }
      for (const event of batch) {
        send(event);
        const pause = waitForDrain?.();
        if (pause) await pause;
      }
      if (batch.length < REPLAY_BATCH || closed) break;
    }
    for (const event of buffered.splice(0)) send(event);
    live = true;
  };

  let resyncing: Promise<void> = Promise.resolve();
  const unsubscribe = await fanout.subscribe(sessionId, {
    event: (event) => (live ? send(event) : buffered.push(event)),
    resync: () => {
      resyncing = resyncing.then(() =>
        closed
          ? undefined
          : catchUp().catch((error: unknown) => {
              close();
              onBroken?.(error);
            }),
      );
    },
  });
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
  };
  try {
    await catchUp();
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return { lastDeliveredId: () => lastSent, close };
}
