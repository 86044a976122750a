/**
 * The agent loop of one run, wired once: its scope, its services with the run's tools (Task
 * bound to this run), and what its callbacks may do. Built in dependency order and never
 * patched: a subagent, whether Task or a callback starts it, uses neither the parent's tools
 * nor its callbacks, so the subagent starter is wired first from the parts it does use, and the
 * parent's tool registry and callback effects are built on it.
 */
import { ThinkingLevel, CallbackList, BrowserMode, DEFAULT_BROWSER_MODE } from "../contracts";
import type { SessionBrowserRequest } from "../browser/browser-manager";
import type { LoopScope, LoopServices, LoopSignals } from "../agent/loop-types";
import type { Emit } from "../agent/model-step";
import { runSubagent, SUBAGENT_SYSTEM_SUFFIX, type StartSubagent, type SubagentDeps } from "../agent/subagent";
import type { ToolCallEnv } from "../agent/tool-calls";
import { compactCommandOf } from "../context/compaction-marker";
import { thinkingBudget } from "../models/thinking";
import { boundKnowledge } from "../knowledge/bound-knowledge";
import type { Grounding } from "../knowledge/run-grounding";
import { BASE_SYSTEM_PROMPT, buildSystemPrompt } from "../sessions/system-prompt";
import { createTaskTool, TASK_TOOL_NAME } from "../tools/task";
import { failed } from "../tools/tool";
import { ToolRegistry } from "../tools/tool-registry";
import { callbackEffects } from "./callback-effects";
import type { RunProcessorDeps } from "./run-processor-deps";
import type { StartedRun } from "./run-start";
import type { LoadedRun } from "./run-store";

/** Not what schedules and starts the run: the loop's own services. */
export type LoopWiringDeps = Omit<RunProcessorDeps, "runs" | "leases" | "control" | "controlListener" | "queue" | "tools" | "busyRetryMs">;

export interface LoopWiring {
  scope: LoopScope;
  services: LoopServices;
  env: ToolCallEnv;
}

export function wireLoop(deps: LoopWiringDeps, run: LoadedRun, started: StartedRun, emit: Emit, signals: LoopSignals, grounding?: Grounding): LoopWiring {
  const { session } = run;
  const scope = loopScope(deps, run, started, grounding);
  const subagentModel = (sessionModel: LoopScope["sessionModel"]) =>
    deps.models.select({ workspaceId: session.workspaceId, session: sessionModel, role: "subagent", preferences: session.workspace.preferences });
  // What the run's loop and its subagents' loops share.
  const shared: Omit<LoopServices, "tools"> = {
    store: deps.steps,
    limits: deps.limits,
    sandbox: deps.sandbox,
    retry: deps.retry,
    prices: deps.prices,
    ...(deps.credits ? { credits: deps.credits } : {}),
    logger: deps.logger,
    emit,
  };
  // Summaries are written by the sub-agent model of the session (the small model where one is set).
  if (deps.context) shared.context = { ...deps.context, summarizer: () => subagentModel({ modelProvider: session.modelProvider, modelId: session.modelId }) };
  const sharedEnv: Omit<ToolCallEnv, "callbackEffects"> = {
    permissions: deps.permissions,
    notifications: deps.notifications,
    callbackTimeoutMs: deps.callbackTimeoutMs,
    // "auto" search prefers the run's model provider's own search; subagents share the run's.
    ...(deps.search ? { search: deps.search.forRun(session.workspaceId, started.model.providerName) } : {}),
    ...(deps.knowledge ? { knowledge: boundKnowledge(deps.knowledge, session.workspaceId) } : {}),
    // One browser per session, opened on its first browser call; a subagent drives its parent's.
    ...(deps.browsers ? { browser: deps.browsers.forSession(sessionBrowserRequest(session, scope)) } : {}),
  };
  // Subagents cannot start subagents: they get every tool but Task.
  const withoutTask = started.tools.filter((tool) => tool.name !== TASK_TOOL_NAME);
  const subagentDeps: SubagentDeps = {
    tools: new ToolRegistry(withoutTask),
    system: `${BASE_SYSTEM_PROMPT}\n\n${SUBAGENT_SYSTEM_SUFFIX}`,
    selectModel: (sessionModel) => subagentModel(sessionModel),
  };
  const startSubagent: StartSubagent = (request) => runSubagent(request, scope, shared, sharedEnv, signals, subagentDeps);
  const task = createTaskTool(async (input, context) => {
    if (!context.toolCallId) return failed("Task needs a tool call id");
    return (await startSubagent({ title: input.description, prompt: input.prompt, parentToolCallId: context.toolCallId })).result;
  });
  // A callback's message is the sender's doing: its usage counts for the run's key and member.
  const callbackRun = { sessionId: run.sessionId, workspaceId: session.workspaceId, sentBy: { apiKeyId: run.apiKeyId, memberId: run.memberId } };
  return {
    scope,
    // A run without tools (a chat reply) gets no Task either.
    services: { ...shared, tools: new ToolRegistry(run.withTools ? [...withoutTask, task] : []) },
    env: {
      ...sharedEnv,
      callbackEffects: (call) => callbackEffects(deps.messages, { run: callbackRun, toolCallId: call.id, history: started.history, startSubagent }),
    },
  };
}

function loopScope(deps: LoopWiringDeps, run: LoadedRun, started: StartedRun, grounding: Grounding | undefined): LoopScope {
  const compactInstructions = compactCommandOf(started.userText);
  const { session } = run;
  const today = new Date();
  const variables = { session_id: session.id, session_title: session.title, date: today.toISOString().slice(0, 10), datetime: today.toISOString() };
  return {
    workspaceId: session.workspaceId,
    sessionId: session.id,
    streamSessionId: session.id,
    runId: run.id,
    turn: run.message.turn,
    sessionDir: deps.sessionDir(session.id),
    network: session.workspace.sandboxNetwork,
    planMode: run.planMode,
    maxSteps: run.maxSteps ?? deps.defaultMaxSteps,
    stepsTaken: started.stepsTaken,
    thinkingBudget: thinkingBudget(ThinkingLevel.safeParse(run.thinkingLevel).data, started.userText),
    system: buildSystemPrompt(session, variables, { profile: grounding?.profile ?? "" }),
    model: started.model,
    rollUpSessionIds: [],
    callbacks: CallbackList.safeParse(session.callbacks).data ?? [],
    sessionModel: { modelProvider: session.modelProvider, modelId: session.modelId },
    sentBy: { apiKeyId: run.apiKeyId, memberId: run.memberId },
    ...(compactInstructions !== null ? { compactInstructions } : {}),
  };
}

function sessionBrowserRequest(session: LoadedRun["session"], scope: LoopScope): SessionBrowserRequest {
  return {
    sessionId: scope.streamSessionId,
    browserMode: BrowserMode.safeParse(session.browserMode).data ?? DEFAULT_BROWSER_MODE,
    cdpUrl: session.cdpUrl,
    network: scope.network,
  };
}
