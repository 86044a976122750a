/** What one agent loop (a run, or a subagent inside it) works on, and the services it uses. */
import type { Callback } from "../contracts";
import type { Logger } from "../logging/logger";
import type { Sandbox, SandboxNetwork } from "../sandbox/sandbox";
import type { ToolRegistry } from "../tools/tool-registry";
import type { ToolLimits } from "../tools/tool";
import type { ModelChoice } from "../models/selection/model-selector";
import type { Emit } from "./model-step";
import type { RetryPolicy } from "./model-retry";
import type { SentBy } from "./step-store";
import type { StepStore } from "./step-store";
import type { ContextServices } from "../context/context-services";

export interface LoopScope {
  workspaceId: string;
  /** The session whose messages this loop writes. */
  sessionId: string;
  /** The session whose stream shows the events (a subagent's top-level parent). */
  streamSessionId: string;
  /** The top-level run. */
  runId: string;
  turn: number;
  /** The folder the tools work in (a subagent shares its parent's). */
  sessionDir: string;
  /** The network the workspace allows its sandboxed commands (a subagent has its parent's). */
  network: SandboxNetwork;
  planMode: boolean;
  maxSteps: number;
  /** Model calls already made in this turn by an earlier attempt of the run. */
  stepsTaken: number;
  thinkingBudget: number;
  system: string;
  model: ModelChoice;
  /** Sessions whose tokens and cost also grow with this loop's (a subagent's parents). */
  rollUpSessionIds: string[];
  callbacks: Callback[];
  /** Set for a subagent: the parent's Task call, which tags every event. */
  parentToolCallId?: string;
  /** The session's model choice, inherited by subagents. */
  sessionModel: { modelProvider: string | null; modelId: string | null };
  /** Who sent the run's message (null for runs stored before it was recorded): its usage is theirs; subagents inherit it. */
  sentBy: SentBy;
  /** Set when the run's message is `/compact`: what the summary should focus on ("" for nothing in particular). */
  compactInstructions?: string;
}

export interface LoopSignals {
  /** Aborts on cancel or on a lost lease. */
  signal: AbortSignal;
  /** Aborts only when another worker may own the run now: write nothing more. */
  leaseLost: AbortSignal;
}

export interface PriceLookup {
  costOf(modelId: string, usage: { promptTokens: number; completionTokens: number }): number;
}

/**
 * Asked before every model call whether the workspace may make it (credits/: its balance, on a
 * plan with credits). A port, so the loop knows nothing of plans or the ledger.
 */
export interface CreditCheck {
  /** Null when the call may go ahead; otherwise why not, for the run's `error` event. */
  refusal(workspaceId: string): Promise<string | null>;
}

export interface LoopServices {
  store: StepStore;
  tools: ToolRegistry;
  limits: ToolLimits;
  /** Where the session's commands run. */
  sandbox: Sandbox;
  retry: RetryPolicy;
  prices: PriceLookup;
  /** Absent: every call goes ahead (tests of other parts). */
  credits?: CreditCheck;
  /** Context windows, compaction and prompt caching (loop-context.ts); absent: the whole history is always sent. */
  context?: ContextServices;
  logger: Logger;
  emit: Emit;
}

/** `credits_exhausted`: a model call was refused before it started (CreditCheck); `stopReason` says why. */
export type LoopStatus = "completed" | "cancelled" | "max_steps" | "credits_exhausted";

export interface LoopOutcome {
  status: LoopStatus;
  /** The last assistant message written (undefined when no model call finished). */
  lastMessageId?: string;
  /** The last step's text: the answer. */
  text: string;
  /** Reasoning over every step of the loop. */
  reasoning: string;
  reasoningDurationMs: number;
  steps: number;
  /** Why the loop stopped early, for `credits_exhausted`. */
  stopReason?: string;
  /** The last step's write marked the run completed (StepRecord.endsRun): only its `complete` is left to send. */
  completedInStep?: boolean;
}

export class LeaseLostError extends Error {
  override name = "LeaseLostError";
}

/** Another worker may own the run now: it must write nothing more. */
export function throwIfLeaseLost(scope: Pick<LoopScope, "runId">, signals: LoopSignals): void {
  if (signals.leaseLost.aborted) throw new LeaseLostError(`run ${scope.runId} lost its session lease; another worker owns it now`);
}
