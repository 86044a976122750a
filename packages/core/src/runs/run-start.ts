/**
 * The start of a run's attempt, before its loop: the user's message announced on a first start,
 * what a previous attempt left open closed on a resume, a cancel that came first honoured; then,
 * at once, what the loop needs (history, steps already taken, model, tools), the run marked
 * running, and a generically titled session named after its first message.
 */
import type { Emit } from "../agent/model-step";
import type { ModelChoice } from "../models/selection/model-selector";
import type { ModelMessage } from "../models/model-provider";
import { isGenericTitle, titleFromMessage } from "../sessions/session-title";
import type { Tool } from "../tools/tool";
import { closeDeadAttempt } from "./dead-attempt";
import { loadModelHistory } from "./run-history";
import { cancelRun } from "./run-outcome";
import type { RunProcessorDeps } from "./run-processor-deps";
import type { LoadedRun, RunStore } from "./run-store";

export type RunStartDeps = Pick<RunProcessorDeps, "runs" | "steps" | "events" | "logger" | "control" | "models" | "tools">;

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
export async function startRun(deps: RunStartDeps, run: LoadedRun, emit: Emit, cancelled: AbortSignal): Promise<StartedRun | null> {
  const { sessionId } = run;
  const userText = run.message.parts.map((part) => (part.data as { text: string }).text).join("");
  const firstStart = run.status === "queued" && run.startedAt === null;
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
  const [history, stepsTaken, model, tools] = await Promise.all([
    loadModelHistory(deps.steps, sessionId, run.message.turn),
    firstStart ? 0 : deps.steps.stepsTaken(sessionId, run.message.turn),
    deps.models.select({ workspaceId: run.session.workspaceId, session: run.session, role: "main", preferences: run.session.workspace.preferences }),
    run.withTools ? deps.tools(run.session.workspaceId) : [],
    deps.runs.markRunning(run.id),
    firstStart && nameSession(deps.runs, run, userText),
  ]);
  return { history, stepsTaken, model, tools, userText };
}

/** A session created with a generic title is named after its first message. */
async function nameSession(runs: RunStore, run: LoadedRun, userText: string): Promise<void> {
  if (run.message.turn !== 1 || !isGenericTitle(run.session.title)) return;
  await runs.renameSession(run.sessionId, run.session.title, titleFromMessage(userText));
}
