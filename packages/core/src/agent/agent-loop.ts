/**
 * The agent loop: call the model, persist the step, run the tools it asked for, feed their
 * results back, and repeat until the model answers without tools, hands in a plan
 * (ExitPlanMode), the run is cancelled, it has used its steps, or the workspace may not pay for
 * another call (CreditCheck). Each step is in Postgres before the next starts, so a run taken over by
 * another worker resumes from the last persisted step.
 */
import { EXIT_PLAN_MODE } from "../tools/exit-plan-mode";
import type { ModelMessage } from "../models/model-provider";
import { replayMedia } from "./media-replay";
import { compactedText, LoopContext } from "./loop-context";
import { assistantMessageOf } from "./model-step";
import { streamStep } from "./step-attempt";
import { throwIfLeaseLost, type LoopOutcome, type LoopScope, type LoopServices, type LoopSignals } from "./loop-types";
import { runToolCalls, type ToolCallEnv } from "./tool-calls";

export async function runAgentLoop(
  scope: LoopScope,
  history: ModelMessage[],
  services: LoopServices,
  env: ToolCallEnv,
  signals: LoopSignals,
): Promise<LoopOutcome> {
  const { store } = services;
  const { model } = scope;
  const outcome: LoopOutcome = { status: "completed", text: "", reasoning: "", reasoningDurationMs: 0, steps: scope.stepsTaken };
  const tools = services.tools.definitions({ planMode: scope.planMode });
  // Stored tool results keep their media as file paths; the model gets the files again.
  await replayMedia(history, scope.sessionDir, { provider: model.providerName, modelId: model.modelId });
  const context = new LoopContext(scope, history, services, signals);
  if (scope.compactInstructions !== undefined && scope.parentToolCallId === undefined && services.context) {
    // The summary is a model call the workspace pays for, like any other.
    const refusal = await services.credits?.refusal(scope.workspaceId);
    if (refusal) return { ...outcome, status: "credits_exhausted", stopReason: refusal };
    return compactOnly(context, scope.compactInstructions, outcome);
  }

  for (;;) {
    if (outcome.steps >= scope.maxSteps) return { ...outcome, status: "max_steps" };
    if (signals.signal.aborted) return { ...outcome, status: "cancelled" };
    // Before every call, so a run stops when its workspace's credits ran out; what it stored so far stays.
    const refusal = await services.credits?.refusal(scope.workspaceId);
    if (refusal) return { ...outcome, status: "credits_exhausted", stopReason: refusal };
    const request = () => ({
      model: model.modelId,
      system: scope.system,
      // A copy: a compaction replaces the history, and a sent request keeps what it sent.
      messages: [...history],
      thinkingBudget: scope.thinkingBudget,
      tools,
      ...(model.maxOutputTokens ? { maxOutputTokens: model.maxOutputTokens } : {}),
      ...(services.context?.promptCaching ? { promptCaching: true } : {}),
    });
    // Each attempt of the step streams under its own id; the one that finished is stored. The
    // context compacts the history first when it nears the model's window.
    const { messageId, step } = await context.stream(request, (built) => streamStep(scope, built, services, signals));
    throwIfLeaseLost(scope, signals);
    const cost = services.prices.costOf(model.modelId, step.usage);
    // An answer without tools ends the run's own loop (a subagent's ends only its task).
    const endsRun = step.toolCalls.length === 0 && !step.interrupted && scope.parentToolCallId === undefined;
    const nextIndex = await store.saveStep({
      workspaceId: scope.workspaceId,
      runId: scope.runId,
      sessionId: scope.sessionId,
      rollUpSessionIds: scope.rollUpSessionIds,
      turn: scope.turn,
      messageId,
      provider: model.providerName,
      model: model.modelId,
      step,
      usage: { ...step.usage, cost },
      sentBy: scope.sentBy,
      ...(endsRun ? { endsRun } : {}),
    });
    outcome.steps++;
    outcome.lastMessageId = messageId;
    outcome.text = step.text;
    outcome.reasoning += step.reasoning;
    outcome.reasoningDurationMs += step.reasoningDurationMs;
    if (step.interrupted) return { ...outcome, status: "cancelled" };
    if (step.toolCalls.length === 0) return endsRun ? { ...outcome, completedInStep: true } : outcome;

    history.push(assistantMessageOf(step, messageId));
    const ran = await runToolCalls(step.toolCalls, { messageId, nextIndex }, scope, services, env, signals);
    history.push({ role: "tool", results: ran.results });
    if (ran.cancelled) return { ...outcome, status: "cancelled" };
    // A finished plan goes to the user for review: the run ends with it, and the user's next
    // message (approval, changes) starts the work.
    const plan = ran.results.find((result) => result.toolName === EXIT_PLAN_MODE && !result.isError);
    if (plan) return { ...outcome, text: [step.text, plan.result].filter(Boolean).join("\n\n") };
  }
}

/** A `/compact` run: the conversation before it summarised, and that said; no model call answers it. */
async function compactOnly(context: LoopContext, instructions: string, outcome: LoopOutcome): Promise<LoopOutcome> {
  const compacted = await context.compactAll(instructions);
  if (!compacted) return { ...outcome, text: "There is nothing to compact yet." };
  return { ...outcome, steps: outcome.steps + 1, lastMessageId: compacted.messageId, text: compactedText(compacted) };
}
