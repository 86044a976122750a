/**
 * How a run ends in Postgres and on its stream: completed, cancelled, out of steps, out of
 * credits, failed by its model, or abandoned after its job failed for the last time.
 */
import { randomUUID } from "node:crypto";
import type { Emit } from "../agent/model-step";
import { CREDITS_EXHAUSTED } from "../contracts";
import type { LoopOutcome } from "../agent/loop-types";
import type { RetryPolicy } from "../agent/model-retry";
import { RetryableProviderError } from "../models/model-provider";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { recordRunEnd } from "../metrics/run-meter";
import type { RunStepStore } from "./run-step-store";
import type { RunStore } from "./run-store";

/** Stores how the loop ended and sends the run's `complete` (after an `error` when it ran out of steps). */
export async function finishRun(runs: RunStore, runId: string, outcome: LoopOutcome, emit: Emit): Promise<void> {
  const reasoning = outcome.reasoning ? { reasoning: outcome.reasoning, reasoningDuration: outcome.reasoningDurationMs } : {};
  const messageId = outcome.lastMessageId ?? runId;
  if (outcome.status === "max_steps") {
    const reason = `Stopped after ${outcome.steps} steps: the run's limit (max_steps) was reached before the agent finished.`;
    await runs.finish(runId, "completed", reason);
    await emit("error", { type: "max_steps_reached", error: reason });
    await emit("complete", { type: "max_steps_reached", done: true, messageId, content: outcome.text, ...reasoning });
    return;
  }
  const cancelled = outcome.status === "cancelled";
  // A run its last step's write completed has nothing more to store.
  if (!outcome.completedInStep) await runs.finish(runId, cancelled ? "cancelled" : "completed");
  await emit("complete", { type: cancelled ? "cancelled" : "complete", done: true, messageId, content: outcome.text, ...reasoning });
}

/**
 * A run whose next model call its workspace could not pay for: failed, with the reason stored as
 * the run's error and as an error part after the steps it did store (its partial answer), then
 * an `error` and a `complete` of type credits_exhausted carrying the last step's text.
 */
export async function stopOutOfCredits(
  deps: { runs: RunStore; steps: Pick<RunStepStore, "saveError"> },
  run: { id: string; sessionId: string; turn: number },
  outcome: LoopOutcome,
  emit: Emit,
): Promise<void> {
  const reason = outcome.stopReason ?? "The workspace's credits are used up";
  const reasoning = outcome.reasoning ? { reasoning: outcome.reasoning, reasoningDuration: outcome.reasoningDurationMs } : {};
  await deps.steps.saveError({ sessionId: run.sessionId, turn: run.turn, messageId: randomUUID(), message: reason });
  await deps.runs.finish(run.id, "failed", reason);
  await emit("error", { type: CREDITS_EXHAUSTED, error: reason });
  await emit("complete", { type: CREDITS_EXHAUSTED, done: true, messageId: outcome.lastMessageId ?? run.id, content: outcome.text, ...reasoning });
}

/** Ends a run cancelled before its loop started, with its `complete`. */
export async function cancelRun(runs: RunStore, runId: string, emit: Emit): Promise<void> {
  await runs.finish(runId, "cancelled");
  await emit("complete", { type: "cancelled", done: true, messageId: runId });
}

/** A model failure ends the run for good: persisted, announced, never left hanging. */
export async function failRun(
  deps: { runs: RunStore; steps: RunStepStore; events: EventLog; logger: Logger; retry: RetryPolicy },
  run: { id: string; sessionId: string; turn: number },
  messageId: string,
  error: unknown,
): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  deps.logger.warn({ err: error, runId: run.id }, "run failed");
  await deps.steps.saveError({ sessionId: run.sessionId, turn: run.turn, messageId, message });
  await deps.runs.finish(run.id, "failed", message);
  const retries = error instanceof RetryableProviderError ? { attempt: deps.retry.maxAttempts, maxAttempts: deps.retry.maxAttempts } : {};
  await deps.events.append(run.sessionId, "error", { type: "run_failed", error: message, ...retries });
}

/**
 * Marks a run failed whose job failed for the last time (worker crash loop, infrastructure).
 * Returns its session, whose next run may go now; null when the run is gone.
 */
export async function abandonRun(deps: { runs: RunStore; events: EventLog }, runId: string, reason: string): Promise<string | null> {
  const run = await deps.runs.load(runId);
  if (!run) return null;
  const changed = await deps.runs.finish(runId, "failed", reason);
  if (changed.count > 0) await deps.events.append(run.sessionId, "error", { type: "run_failed", error: reason });
  if (changed.count > 0) recordRunEnd("abandoned", run.startedAt);
  return run.sessionId;
}
