/**
 * Follows one run through its session's event log: replays from the given point, then live
 * events, handing text and progress on, and ends once: when the run completes, fails or is
 * cancelled, when it waits on a permission or a question (the answer must come from the caller,
 * so waiting on is pointless), when the timeout passes, or when the caller stops. The run itself goes on.
 */
import type { EventFanout } from "../events/event-fanout";
import type { EventLog } from "../events/event-log";
import { openSessionEventStream, type OpenStream } from "../events/session-event-stream";
import type { FollowHandlers, FollowOptions, Following, RunOutcome, RunToFollow } from "./run-outcome";
import { RunTracker, type PendingPermission, type PendingQuestion, type RunStep } from "./run-tracker";

/** Events of the run may be gone (Redis lost its log), its end among them: what was handed on may be incomplete. */
export const EVENTS_LOST = "Events of this reply were lost with the event log; the conversation's messages hold the stored answer";

export interface FollowSources {
  events: EventLog;
  fanout: EventFanout;
  /** Whether a request still waits for its answer (its event may be older than the answer). */
  isPending(kind: "permission" | "notification", id: string): Promise<boolean>;
}

/** Resolves once the replay is done (the run may have ended by then); `handlers.end` reports the end. */
export async function followRun(sources: FollowSources, run: RunToFollow, handlers: FollowHandlers, options: FollowOptions): Promise<Following> {
  const tracker = new RunTracker(run.messageId);
  const { signal } = options;
  let stream: OpenStream | undefined;
  let finished = false;
  let caughtUp = false;

  const stop = () => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    stream?.close();
  };
  const end = (outcome: RunOutcome) => {
    if (finished) return;
    stop();
    handlers.end?.(outcome, { text: tracker.text, toolCalls: tracker.toolCalls() });
  };
  const waitOnPermission = (permission: PendingPermission) => {
    handlers.progress?.({ kind: "permission", permission });
    end({ kind: "awaiting_permission", permission });
  };
  const waitOnQuestion = (question: PendingQuestion) => {
    handlers.progress?.({ kind: "question", question });
    end({ kind: "awaiting_input", question });
  };
  const accept = (step: RunStep | null) => {
    if (!step) return;
    switch (step.kind) {
      case "end":
        return end(step.end);
      case "text":
        return handlers.text?.(step.text);
      case "permission":
        // Live, a request is pending; in the replay, it may have been answered since (checked once caught up).
        return caughtUp ? waitOnPermission(step.permission) : undefined;
      case "question":
        return caughtUp ? waitOnQuestion(step.question) : undefined;
      case "restarted":
        // A step abandoned before any of its text went out costs nothing: its next attempt is followed as usual.
        if (options.textIsFinal && step.droppedText) return end({ kind: "abandoned", error: step.error });
        return handlers.progress?.(step);
      default:
        return handlers.progress?.(step);
    }
  };
  // The replay's last request may have been answered a moment ago, before its tool's start
  // reached the log: the request itself knows. Once answered, the tool's events follow live.
  const waitIfStillPending = async (permission: PendingPermission) => {
    const pending = await sources.isPending("permission", permission.permissionId);
    if (tracker.pending !== permission) return;
    if (pending) waitOnPermission(permission);
    else tracker.answered();
  };
  const waitIfStillAsked = async (question: PendingQuestion) => {
    const pending = await sources.isPending("notification", question.notificationId);
    if (tracker.question !== question) return;
    if (pending) waitOnQuestion(question);
    else tracker.questionAnswered();
  };
  const onAbort = () => end({ kind: "stopped" });
  const timer = setTimeout(() => end({ kind: "timeout" }), options.timeoutMs);
  signal?.addEventListener("abort", onAbort, { once: true });
  if (signal?.aborted) {
    onAbort();
    return { stop };
  }

  try {
    stream = await openSessionEventStream(
      sources.events,
      sources.fanout,
      run.sessionId,
      run.afterEventId,
      (event) => {
        if (!finished) accept(tracker.accept(event));
      },
      { onGap: () => end({ kind: "abandoned", error: EVENTS_LOST }) },
    );
    caughtUp = true;
    // It may have ended during the replay, before the stream existed to be closed.
    if (finished) stream.close();
    else if (tracker.pending) await waitIfStillPending(tracker.pending);
    else if (tracker.question) await waitIfStillAsked(tracker.question);
    else if (options.endIfNotInLog && !tracker.inRun) end({ kind: "not_in_log" });
  } catch (error) {
    stop();
    throw error;
  }
  return { stop };
}
