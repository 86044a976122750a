/**
 * Follows one chat reply as it is generated: replays the session's events from just before the
 * message was sent, then live ones, hands each text delta on, and reports once how it ended.
 * Stopping early (the client left) only stops following: the run goes on and stays in the session.
 */
import type { EventFanout } from "../events/event-fanout";
import type { EventLog } from "../events/event-log";
import { openSessionEventStream } from "../events/session-event-stream";
import { ChatReplyFilter } from "./chat-reply";
import type { ChatStarted } from "./chat.service";

export type ReplyOutcome = { kind: "complete" } | { kind: "failed"; error: string } | { kind: "timeout" };

export interface ReplyHandlers {
  text(text: string): void;
  /** Called once, unless `stop()` came first. */
  end(outcome: ReplyOutcome): void;
}

export interface FollowedReply {
  stop(): void;
}

export async function followChatReply(
  log: EventLog,
  fanout: EventFanout,
  started: ChatStarted,
  handlers: ReplyHandlers,
  options: { timeoutMs: number },
): Promise<FollowedReply> {
  const filter = new ChatReplyFilter(started.messageId);
  let stream: Awaited<ReturnType<typeof openSessionEventStream>> | undefined;
  let finished = false;
  const stop = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    stream?.close();
  };
  const end = (outcome: ReplyOutcome) => {
    if (finished) return;
    stop();
    handlers.end(outcome);
  };
  const timer = setTimeout(() => end({ kind: "timeout" }), options.timeoutMs);

  try {
    stream = await openSessionEventStream(log, fanout, started.conversationId, started.afterEventId, (event) => {
      if (finished) return;
      const step = filter.accept(event);
      if (step?.kind === "text") handlers.text(step.text);
      else if (step) end(step);
    });
  } catch (error) {
    stop();
    throw error;
  }
  // It may have ended during the replay, before the stream existed to be closed.
  if (finished) stream.close();
  return { stop };
}
