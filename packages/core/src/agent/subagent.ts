/**
 * A subagent: a child session (`sessionType: "subagent"`, linked to its parent session and to
 * the tool call that started it) running its own agent loop inside the parent's run. Its events
 * go to the parent's stream tagged with `parentToolCallId`, its tokens and cost roll up into
 * every ancestor, and its permission requests reach the parent's stream. Its steps stream and
 * restart as the parent's do (step-attempt.ts): the run names each while it streams, so one a
 * lost worker was streaming is announced as abandoned, tagged like its other events.
 */
import type { EventName, EventPayload } from "../contracts";
import { failed, ok, type ToolResult } from "../tools/tool";
import type { ToolRegistry } from "../tools/tool-registry";
import type { ModelChoice } from "../models/selection/model-selector";
import type { ModelMessage } from "../models/model-provider";
import { runAgentLoop } from "./agent-loop";
import type { LoopScope, LoopServices, LoopSignals } from "./loop-types";
import type { ToolCallEnv } from "./tool-calls";
import type { Emit } from "./model-step";

export interface SubagentRequest {
  title: string;
  prompt: string;
  /** The parent's tool call that the subagent answers (Task call, or the call whose callback started it). */
  parentToolCallId: string;
  /** Conversation the subagent sees before its prompt (a callback's includeFullHistory). */
  context?: ModelMessage[];
}

export interface SubagentDeps {
  selectModel(sessionModel: LoopScope["sessionModel"]): Promise<ModelChoice>;
  tools: ToolRegistry;
  system: string;
}

export const SUBAGENT_SYSTEM_SUFFIX =
  "You are a subagent working on one task for another agent. Do the task with your tools, then answer with a " +
  "complete, concise report of what you found or did: it is all the other agent will see.";

export interface SubagentOutcome {
  result: ToolResult;
  /** The subagent's own session. */
  sessionId: string;
}

/** Starts a subagent inside the run it is bound to (the Task tool's and the callbacks' way in). */
export type StartSubagent = (request: SubagentRequest) => Promise<SubagentOutcome>;

/**
 * The parent's tools and callbacks are not the subagent's: it gets `deps.tools` and runs no
 * callbacks, so neither is asked of the caller.
 */
export async function runSubagent(
  request: SubagentRequest,
  parent: LoopScope,
  services: Omit<LoopServices, "tools">,
  env: Omit<ToolCallEnv, "callbackEffects">,
  signals: LoopSignals,
  deps: SubagentDeps,
): Promise<SubagentOutcome> {
  const sessionId = await services.store.createSubagentSession({
    workspaceId: parent.workspaceId,
    parentSessionId: parent.sessionId,
    parentToolCallId: request.parentToolCallId,
    title: request.title,
    prompt: request.prompt,
    ...parent.sessionModel,
  });
  const scope: LoopScope = {
    ...parent,
    sessionId,
    turn: 1,
    stepsTaken: 0,
    system: deps.system,
    model: await deps.selectModel(parent.sessionModel),
    rollUpSessionIds: [parent.sessionId, ...parent.rollUpSessionIds],
    callbacks: [],
    parentToolCallId: request.parentToolCallId,
  };
  const emit: Emit = <E extends EventName>(event: E, data: EventPayload<E>) => services.emit(event, { ...data, parentToolCallId: request.parentToolCallId });
  const history: ModelMessage[] = [...(request.context ?? []), { role: "user", content: request.prompt }];
  const outcome = await runAgentLoop(scope, history, { ...services, tools: deps.tools, emit }, { ...env, callbackEffects: null }, signals);
  // A cancelled subagent cancels the call that started it.
  if (outcome.status === "cancelled") signals.signal.throwIfAborted();
  // The parent's next call is refused the same way, ending the run.
  if (outcome.status === "credits_exhausted") return { sessionId, result: failed(`The subagent stopped: ${outcome.stopReason}`) };
  if (outcome.status === "max_steps") {
    return { sessionId, result: failed(`The subagent stopped after ${outcome.steps} steps without finishing. Its last words: ${outcome.text || "(none)"}`) };
  }
  return { sessionId, result: ok(outcome.text || "(the subagent gave no answer)") };
}
