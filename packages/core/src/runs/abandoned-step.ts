/**
 * A run resumed after its worker was lost mid-step: the step that worker was streaming (named by
 * the run until a step is stored) is announced as abandoned, so clients drop its partial output
 * before the step streams again under a new id.
 */
import { STEP_RESTARTED } from "../contracts";
import type { Emit } from "../agent/model-step";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RunStepStore } from "./run-step-store";

/** How far back the session's log is searched for the abandoned step's events (for its subagent tag). */
const LOG_TAIL = 200;

export interface AbandonedStepDeps {
  steps: RunStepStore;
  events: EventLog;
  logger: Logger;
}

export async function announceAbandonedStep(
  deps: AbandonedStepDeps,
  run: { id: string; sessionId: string; streamingMessageId: string | null },
  emit: Emit,
): Promise<void> {
  const assistantMessageId = run.streamingMessageId;
  if (!assistantMessageId) return;
  if (!(await deps.steps.hasMessage(assistantMessageId))) {
    const parentToolCallId = await subagentTag(deps.events, run.sessionId, assistantMessageId);
    // A subagent's step is not streamed again: its Task call ends as interrupted instead.
    const next = parentToolCallId ? "ends the subagent's task as interrupted" : "streams the step again";
    await emit("error", {
      type: STEP_RESTARTED,
      error: `The worker running this step was lost; another worker resumes the run and ${next}: drop the output streamed for this step so far.`,
      assistantMessageId,
      ...(parentToolCallId ? { parentToolCallId } : {}),
    });
    deps.logger.info({ runId: run.id, assistantMessageId }, "announced the step a lost worker was streaming as abandoned");
  }
  // Announced before it is forgotten: a worker lost in between announces it again, never not at all.
  await deps.steps.clearStreaming(run.id, assistantMessageId);
}

/**
 * A subagent's step streamed tagged with its Task call; the announcement carries the same tag.
 * Its events are the newest of the session (nothing of the run streamed after them).
 */
async function subagentTag(events: EventLog, sessionId: string, assistantMessageId: string): Promise<string | undefined> {
  const last = await events.lastId(sessionId);
  const tail = await events.readAfter(sessionId, Math.max(0, last - LOG_TAIL), LOG_TAIL);
  const event = tail.findLast((candidate) => (candidate.data as { assistantMessageId?: string }).assistantMessageId === assistantMessageId);
  return (event?.data as { parentToolCallId?: string } | undefined)?.parentToolCallId;
}
