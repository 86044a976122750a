/**
 * The start of a run's attempt, before its loop: the user's message announced on a first start,
 * what a previous attempt left open closed on a resume, a cancel that came first honoured; then,
 * at once, what the loop needs (history, steps already taken, model, tools), the run marked
 * running, and a generically titled session named after its first message.
 */
import { randomUUID } from "node:crypto";
import type { Emit } from "../agent/model-step";
import type { ModelChoice } from "../models/selection/model-selector";
import type { ModelMessage } from "../models/model-provider";
import { isGenericTitle, titleFromMessage } from "../sessions/session-title";
import type { Tool } from "../tools/tool";
import { closeDeadAttempt } from "./dead-attempt";
import { loadModelHistory, modelHistory } from "./run-history";
import { cancelRun } from "./run-outcome";
import type { RunProcessorDeps } from "./run-processor-deps";
import type { LoadedRunInTurn } from "./run-load";
import type { LoadedRun, RunStore } from "./run-store";

export type RunStartDeps = Pick<RunProcessorDeps, "runs" | "steps" | "events" | "logger" | "control" | "models" | "tools">;

/** A run as the processor loaded it: a first start that need not wait may carry its transcript (run-load.ts). */
export type StartingRun = LoadedRun & Partial<Pick<LoadedRunInTurn, "transcript" | "grounding" | "startedAs">>;

/** What the run's loop starts from. */
export interface StartedRun {
  /** The conversation up to the run's turn; the loop appends its steps to it. */
  history: ModelMessage[];
  /** Model calls an earlier attempt of the run already made. */
  stepsTaken: number;
  model: ModelChoice;
  tools: Tool[];
  /** The text of the run's user message. */
  userText: string;
}

/**
 * Null when the run ended as cancelled instead. `cancelled` is the run's cancel listener,
 * registered by the caller before this reads the cancel key, so a cancel in between is not lost.
 */
export async function startRun(deps: RunStartDeps, run: StartingRun, emit: Emit, cancelled: AbortSignal): Promise<StartedRun | null> {
  const { sessionId } = run;
  const userText = userTextOf(run);
  const firstStart = run.status === "queued" && run.startedAt === null;
  if (firstStart && run.cancelRequestedAt === null && !cancelled.aborted) return startFirstAttempt(deps, run, emit, cancelled, userText);
  const [, cancelKeySet] = await Promise.all([
    firstStart && emit("user_message_created", { type: "user_message_created", messageId: run.id, content: userText }),
    deps.control.isCancelled(run.id),
  ]);
  // A resumed run: calls its previous worker started are reported, never run again (before
  // the history is read, so it holds their results), and the step it was streaming is
  // announced as abandoned. Also when it is cancelled now: the transcript keeps no call
  // without a result, and clients drop the dead attempt's text.
  if (!firstStart) await closeDeadAttempt({ steps: deps.steps, events: deps.events, logger: deps.logger }, { ...run, turn: run.message.turn }, emit);
  // The Postgres mark outlives a Redis loss; the key and the channel are the fast path.
  if (cancelKeySet || cancelled.aborted || run.cancelRequestedAt !== null) {
    await cancelRun(deps.runs, run.id, emit);
    return null;
  }
  // Independent round trips overlap: they are most of the wait before the first delta.
  const firstStepId = randomUUID();
  const [history, stepsTaken, model, tools] = await Promise.all([
    loadModelHistory(deps.steps, sessionId, run.message.turn),
    firstStart ? 0 : deps.steps.stepsTaken(sessionId, run.message.turn),
    selectModel(deps, run),
    run.withTools ? deps.tools(run.session.workspaceId) : [],
    // The first step's id is named with the run's start: its first delta waits for no write of its own.
    deps.runs.markRunning(run.id, firstStepId).then(() => deps.steps.nameFirstStep(run.id, firstStepId)),
    firstStart && nameSession(deps.runs, run, userText),
  ]);
  return { history, stepsTaken, model, tools, userText };
}

/**
 * A run's first start with no cancel in sight, the common case: the user's message announced, the
 * cancel key read, the run marked running unless a cancel was stored meanwhile, and what the loop
 * needs, all at once. The cancel verdict comes from the first three (cancel.service.ts stores a
 * cancel in Postgres before it sets the key, so the conditional mark sees every cancel the key
 * would); a cancelled run drops what was read for its loop. The session is named only once the
 * run goes ahead.
 */
async function startFirstAttempt(deps: RunStartDeps, run: StartingRun, emit: Emit, cancelled: AbortSignal, userText: string): Promise<StartedRun | null> {
  // Marked by its load (run-load.ts), the run is marked already, under the same condition.
  const firstStepId = run.startedAs ?? randomUUID();
  const verdict = Promise.all([
    emit("user_message_created", { type: "user_message_created", messageId: run.id, content: userText }),
    deps.control.isCancelled(run.id),
    run.startedAs ? true : deps.runs.markRunning(run.id, firstStepId, { unlessCancelRequested: true }),
  ]);
  const loaded = Promise.all([
    run.transcript ? modelHistory(run.transcript) : loadModelHistory(deps.steps, run.sessionId, run.message.turn),
    selectModel(deps, run),
    run.withTools ? deps.tools(run.session.workspaceId) : [],
  ]);
  loaded.catch(() => undefined);
  const [, cancelKeySet, marked] = await verdict;
  if (cancelKeySet || !marked || cancelled.aborted) {
    await cancelRun(deps.runs, run.id, emit);
    return null;
  }
  // The first step's id is named with the run's start: its first delta waits for no write of its own.
  deps.steps.nameFirstStep(run.id, firstStepId);
  const [[history, model, tools]] = await Promise.all([loaded, nameSession(deps.runs, run, userText)]);
  return { history, stepsTaken: 0, model, tools, userText };
}

function selectModel(deps: RunStartDeps, run: LoadedRun): Promise<ModelChoice> {
  const { workspace } = run.session;
  return deps.models.select({
    workspaceId: run.session.workspaceId,
    session: run.session,
    role: "main",
    preferences: workspace.preferences,
    planName: workspace.plan,
  });
}

/** The text of the run's user message (its text parts, in order). */
export function userTextOf(run: LoadedRun): string {
  return run.message.parts.map((part) => (part.data as { text: string }).text).join("");
}

/** A session created with a generic title is named after its first message. */
async function nameSession(runs: RunStore, run: LoadedRun, userText: string): Promise<void> {
  if (run.message.turn !== 1 || !isGenericTitle(run.session.title)) return;
  await runs.renameSession(run.sessionId, run.session.title, titleFromMessage(userText));
}
