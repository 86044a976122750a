/** What following a run hands on while it goes, and the one outcome it ends with. */
import type { PendingPermission, PendingQuestion, RunStep, ToolCallSummary } from "./run-tracker";

export type RunOutcome =
  /** `reason`: the `complete` event's type ("complete", "cancelled", "max_steps_reached"); none when the next run's start ended it. */
  | { kind: "complete"; reason?: string }
  /** `type`: credits_exhausted for a run stopped because its workspace's credits ran out. */
  | { kind: "failed"; error: string; type?: "credits_exhausted" }
  /** The run waits for the caller's answer to a permission request: following on would only wait too. */
  | { kind: "awaiting_permission"; permission: PendingPermission }
  /** The run waits for the caller's answer to the agent's question (its notify_user tool). */
  | { kind: "awaiting_input"; question: PendingQuestion }
  | { kind: "timeout" }
  /** The caller's signal aborted (its request was cancelled). */
  | { kind: "stopped" }
  /**
   * What was handed on may be void: a step whose text went out restarted (only with `textIsFinal`),
   * or events of the run were lost with the event log. The run goes on and stores the reply it ends with.
   */
  | { kind: "abandoned"; error: string }
  /** The log holds no start of this run (expired, or trimmed): only with `endIfNotInLog`. */
  | { kind: "not_in_log" };

/** The reply so far: the text of every step not abandoned, and the tool calls with how each went. */
export interface RunReply {
  text: string;
  toolCalls: ToolCallSummary[];
}

export interface FollowedRun extends RunReply {
  outcome: RunOutcome;
}

export interface RunToFollow {
  sessionId: string;
  /** The run's user message, whose id is also the run's. */
  messageId: string;
  /** An event id from before the run's user message (0: the whole log); `startPoint` gives it for a run about to be sent. */
  afterEventId: number;
}

/** Tool starts and ends, the permission request or question the run waits on, and a step whose reported text or calls are void. */
export type RunProgress = Exclude<RunStep, { kind: "text" } | { kind: "end" }>;

/** Each caller takes the parts it reports: the chat its text, the MCP tools text and progress. */
export interface FollowHandlers {
  /** A piece of the reply's text as it streams (it may be empty). */
  text?(text: string): void;
  progress?(step: RunProgress): void;
  /** How following ended, with the reply so far; called once, unless `stop()` came first. */
  end?(outcome: RunOutcome, reply: RunReply): void;
}

export interface FollowOptions {
  timeoutMs: number;
  /** Ends following as `stopped` once it aborts (reported to `end`, unlike `stop()`). */
  signal?: AbortSignal;
  /**
   * Text handed on cannot be taken back (it went out on the wire): a step whose text was handed
   * on that restarts ends following as `abandoned`, instead of being dropped from the reply.
   */
  textIsFinal?: boolean;
  /** End at once as `not_in_log` when the replay did not find the run's start (for a run known to be over). */
  endIfNotInLog?: boolean;
}

export interface Following {
  /** Stops following without reporting an end (the caller knows); the run goes on. */
  stop(): void;
}
