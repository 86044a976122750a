/**
 * Replay-then-live delivery of one session's events to one client: subscribe first (buffering),
 * replay the log after the client's last id, then drain the buffer, dropping every id already
 * sent. The result has no gap and no duplicate, whatever races between replay and live events.
 * Replay is paced by the client (`waitForDrain`); live events are pushed as they happen.
 */
import type { LoggedEvent } from "../contracts";
import type { EventFanout } from "./event-fanout";
import type { EventLog } from "./event-log";

const REPLAY_BATCH = 500;

export interface OpenStream {
  /** Id of the newest event delivered so far (the one to resume from). */
  lastDeliveredId(): number;
  close(): void;
}

export async function openSessionEventStream(
  log: EventLog,
  fanout: EventFanout,
  sessionId: string,
  lastEventId: number,
  deliver: (event: LoggedEvent) => void,
  /** Returns a promise when the client must catch up before more replay is sent. */
  waitForDrain: () => Promise<void> | undefined = () => undefined,
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

  const unsubscribe = await fanout.subscribe(sessionId, (event) => (live ? send(event) : buffered.push(event)));
  try {
    // A client ahead of the log means the log was lost (e.g. Redis restarted): replay it all.
    if (lastSent > (await log.lastId(sessionId))) lastSent = 0;
    for (;;) {
      const batch = await log.readAfter(sessionId, lastSent, REPLAY_BATCH);
      for (const event of batch) {
        send(event);
        const pause = waitForDrain();
        if (pause) await pause;
      }
      if (batch.length < REPLAY_BATCH || closed) break;
    }
    for (const event of buffered) send(event);
    buffered.length = 0;
    live = true;
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return {
    lastDeliveredId: () => lastSent,
    close: () => {
      if (closed) return;
      closed = true;
      unsubscribe();
    },
  };
}
