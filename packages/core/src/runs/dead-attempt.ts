/**
 * What a run's previous attempt left open when its worker was lost: tool calls it started
 * (reported as interrupted, never run again) and the step it was streaming (announced as
 * abandoned). Closed before the run goes on, or before it ends as cancelled.
 */
import type { Emit } from "../agent/model-step";
import { INTERRUPTED_RESULT } from "../agent/result-text";
import { announceAbandonedStep, type AbandonedStepDeps } from "./abandoned-step";

export async function closeDeadAttempt(
  deps: AbandonedStepDeps,
  run: { id: string; sessionId: string; streamingMessageId: string | null; turn: number },
  emit: Emit,
): Promise<void> {
  for (const call of await deps.steps.danglingToolCalls(run.sessionId, run.turn)) {
    await deps.steps.appendPart(call.messageId, call.nextIndex, {
      type: "tool_result",
      toolCallId: call.toolCallId,
      result: INTERRUPTED_RESULT,
      isError: true,
    });
    await emit("tool_execution_complete", {
      type: "tool_execution_complete",
      toolCallId: call.toolCallId,
      toolName: call.name,
      progress: "Interrupted",
      success: false,
    });
  }
  await announceAbandonedStep(deps, run, emit);
}
