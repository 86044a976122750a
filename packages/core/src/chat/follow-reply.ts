/**
 * Follows one chat reply as it is generated: replays the session's events from just before the
 * message was sent, then live ones, hands each text delta on, and reports once how it ended.
 * Stopping early (the client left) only stops following: the run goes on and stays in the session.
 *
 * Text is handed on as it streams, so it cannot be taken back: when a step whose text was handed
 * on is abandoned (its worker was lost, or the model call is retried), the reply ends as
 * `abandoned` rather than go on to a whole that would contain the dropped text. A step abandoned
 * before any of its text was handed on costs nothing: its next attempt is followed as usual.
 */
import type { EventFanout } from "../events/event-fanout";
import type { EventLog } from "../events/event-log";
import { openSessionEventStream } from "../events/session-event-stream";
import { ChatReplyFilter } from "./chat-reply";
import type { ChatStarted } from "./chat.service";

export type ReplyOutcome =
  | { kind: "complete" }
  | { kind: "failed"; error: string }
  | { kind: "timeout" }
  /** Text already handed on belongs to an abandoned step; the run goes on and stores the reply it ends with. */
  | { kind: "abandoned"; error: string };

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
  /** The steps (assistant message ids) some text of which was handed on. */
  const handedOn = new Set<string | undefined>();
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
      if (step?.kind === "text") {
        if (step.text) handedOn.add(step.assistantMessageId);
        handlers.text(step.text);
      } else if (step?.kind === "restarted") {
        if (handedOn.has(step.assistantMessageId)) end({ kind: "abandoned", error: step.error });
      } else if (step) end(step);
    }, {
      // Events of the reply may be gone (Redis lost its log): what was handed on may be incomplete.
      onGap: () => end({ kind: "abandoned", error: "Events of this reply were lost with the event log; the conversation's messages hold the stored answer" }),
    });
  } catch (error) {
    stop();
    throw error;
  }
  // It may have ended during the replay, before the stream existed to be closed.
  if (finished) stream.close();
  return { stop };
}
