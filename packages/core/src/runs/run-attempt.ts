/**
 * One attempt of a run on this worker, from its start through its loop to how it ends. An
 * attempt stopped from outside (lease lost, handed over, Redis gone) ends nothing: it throws,
 * and the run is resumed from its last stored step once its session is free.
 */
import { randomUUID } from "node:crypto";
import { runAgentLoop } from "../agent/agent-loop";
import { LeaseLostError, type LoopSignals } from "../agent/loop-types";
import type { Emit } from "../agent/model-step";
import { groundedHistory } from "../knowledge/grounded-history";
import { meterRun } from "../metrics/run-meter";
import { isRedisUnavailable } from "../redis/connection";
import { wireLoop } from "./loop-wiring";
import { failRun, finishRun, stopOutOfCredits } from "./run-outcome";
import type { RunProcessorDeps } from "./run-processor-deps";
import { startRun, userTextOf, type StartingRun } from "./run-start";

/** `stop` aborts when another worker may own the run now (lease lost, or handed over). */
export async function attemptRun(deps: RunProcessorDeps, run: StartingRun, stop: AbortSignal): Promise<void> {
  const meter = meterRun(run.startedAt);
  const emit: Emit = meter.watch((event, data) => deps.events.append(run.sessionId, event, data));
  // Listen for cancels before reading the cancel key: one arriving in between is not lost.
  const tracked = deps.controlListener.track(run.id);
  const signals: LoopSignals = { signal: AbortSignal.any([tracked.signal, stop]), leaseLost: stop };
  try {
    // Once per attempt, where the system prompt is built: the profile, and the chunks for this user
    // message. Its reads overlap the start's instead of following them (they are on the way to the
    // first token); a run the start ends (cancelled) drops it, and its failure then goes unheard.
    const groundingRead = deps.grounding?.forRun(
      { id: run.id, workspaceId: run.session.workspaceId, knowledgeEnabled: run.session.knowledgeEnabled, userText: userTextOf(run) },
      run.grounding,
    );
    groundingRead?.catch(() => undefined);
    const started = await startRun(deps, run, emit, tracked.signal);
    if (!started) return;
    const grounding = await groundingRead;
    if (grounding) started.history = groundedHistory(started.history, grounding.knowledge.prompt);
    const { scope, services, env } = wireLoop(deps, run, started, emit, signals, grounding);
    const outcome = await runAgentLoop(scope, started.history, services, env, signals);
    // A loop that stopped because the lease went (or the worker hands the run over) did not finish
    // it; one whose last step was stored as the run's end did, and still owes its `complete`.
    if (stop.aborted && !outcome.completedInStep) throw new LeaseLostError(`run ${run.id} stopped: ${String(stop.reason)}`);
    if (outcome.status === "credits_exhausted") await stopOutOfCredits(deps, { id: run.id, sessionId: run.sessionId, turn: run.message.turn }, outcome, emit);
    else await finishRun(deps.runs, run.id, outcome, emit);
  } catch (error) {
    // Not the run's own failure: it is resumed from its last stored step once the session is free
    // (another worker, or the recovery sweep after Redis is back), never marked failed.
    if (stop.aborted || error instanceof LeaseLostError || isRedisUnavailable(error)) throw error;
    await failRun(deps, { id: run.id, sessionId: run.sessionId, turn: run.message.turn }, randomUUID(), error);
    meter.failed();
  } finally {
    tracked.release();
    // A run that ended before its first step leaves the id its start named unused.
    deps.steps.takeNamedStep(run.id);
  }
}
