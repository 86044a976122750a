/**
 * Follows one run through its session's event log: replays from before the run's user message,
 * then live events, handing each step (text, tool start and end, permission request) on. Stops
 * when the run ends, when it waits on a permission (an answer must come from the caller, so
 * waiting on is pointless), when the timeout passes, or when the caller aborts. In every case
 * the run itself goes on in the worker.
 */
import { PermissionStore, openSessionEventStream, type ApiServices, type OpenStream } from "@mix/core";
import { ReplyTracker, type PendingPermission, type ReplyStep, type ToolCallSummary } from "./reply-tracker";

export type FollowOutcome =
  /** `reason`: how the run ended ("complete", or "cancelled" when it was stopped). */
  | { kind: "complete"; reason?: string }
  | { kind: "failed"; error: string }
  | { kind: "awaiting_permission"; permission: PendingPermission }
  | { kind: "timeout" }
  | { kind: "aborted" }
  /** The log holds no start of this run (expired, or trimmed): only asked for with `endIfNotInLog`. */
  | { kind: "not_in_log" };

export interface FollowedRun {
  outcome: FollowOutcome;
  text: string;
  toolCalls: ToolCallSummary[];
}

export interface RunToFollow {
  sessionId: string;
  messageId: string;
  /** An event id from before the run's user message (0: the whole log). */
  afterEventId: number;
}

export interface FollowOptions {
  timeoutMs: number;
  signal: AbortSignal;
  onStep(step: Exclude<ReplyStep, { kind: "end" }>): void;
  /** End at once when the replay did not find the run's start (for a run known to be over). */
  endIfNotInLog?: boolean;
}

export async function followRun(services: ApiServices, run: RunToFollow, options: FollowOptions): Promise<FollowedRun> {
  const tracker = new ReplyTracker(run.messageId);
  const permissions = new PermissionStore(services.redis, services.keys);
  return new Promise<FollowedRun>((resolve, reject) => {
    let stream: OpenStream | undefined;
    let finished = false;
    let caughtUp = false;

    const stop = () => {
      if (finished) return false;
      finished = true;
      clearTimeout(timer);
      options.signal.removeEventListener("abort", onAbort);
      stream?.close();
      return true;
    };
    const finish = (outcome: FollowOutcome) => {
      if (stop()) resolve({ outcome, text: tracker.text, toolCalls: tracker.toolCalls() });
    };
    const fail = (error: unknown) => {
      if (stop()) reject(error);
    };
    const waitOnPermission = (permission: PendingPermission) => {
      options.onStep({ kind: "permission", permission });
      finish({ kind: "awaiting_permission", permission });
    };
    // The replay's last request may have been answered a moment ago, before its tool's start
    // reached the log: the request itself knows. Once answered, the tool's events follow live.
    const waitIfStillPending = async (permission: PendingPermission) => {
      const record = await permissions.get(permission.permissionId);
      if (tracker.pending !== permission) return;
      if (record?.status === "pending") waitOnPermission(permission);
      else tracker.answered();
    };
    const onAbort = () => finish({ kind: "aborted" });
    const timer = setTimeout(() => finish({ kind: "timeout" }), options.timeoutMs);
    options.signal.addEventListener("abort", onAbort, { once: true });
    if (options.signal.aborted) return onAbort();

    openSessionEventStream(services.events, services.fanout, run.sessionId, run.afterEventId, (event) => {
      if (finished) return;
      const step = tracker.accept(event);
      if (!step) return;
      if (step.kind === "end") return finish(step.end);
      // Live, a request is pending; in the replay, it may have been answered since (checked once caught up).
      if (step.kind === "permission") return caughtUp ? waitOnPermission(step.permission) : undefined;
      options.onStep(step);
    }, {
      // Events of the run may be gone (Redis lost its log), its end among them: stop following, as
      // at a timeout. wait_for_reply then follows again, or reads the stored reply once it is over.
      onGap: () => finish({ kind: "timeout" }),
    }).then((opened) => {
      stream = opened;
      caughtUp = true;
      if (finished) return opened.close();
      if (tracker.pending) return waitIfStillPending(tracker.pending).catch(fail);
      if (options.endIfNotInLog && !tracker.inRun) finish({ kind: "not_in_log" });
    }, fail);
  });
}
