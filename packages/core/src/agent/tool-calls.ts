/**
 * Runs the tool calls of one step, in order: plan-mode and permission checks, the tool itself
 * (confined to the session folder), its result appended to the step's message, then the
 * session's callbacks for that tool. A cancel stops the running tool and reports it, and every
 * call after it, as interrupted, so the transcript never holds a call without a result.
 */
import type { NotificationGate } from "../notifications/notification-gate";
import type { PermissionGate } from "../permissions/permission-gate";
import type { CallbackEffects } from "../callbacks/callback-invocation";
import { matchingCallbacks } from "../callbacks/matching-callbacks";
import { runCallback } from "../callbacks/run-callback";
import { failed, type ToolResult } from "../tools/tool";
import { parseToolInput } from "../tools/tool-registry";
import { traceToolCall } from "../tracing/spans";
import { measureToolCall } from "../metrics/record";
import type { ToolCallRequest, ToolResultMessage } from "../models/model-provider";
import type { RunSearch } from "../search/search-service";
import type { RunKnowledge } from "../knowledge/bound-knowledge";
import type { BrowserAccess } from "../browser/browser-access";
import { throwIfLeaseLost, type LoopScope, type LoopServices, type LoopSignals } from "./loop-types";
import { INTERRUPTED_RESULT, callbackContextText } from "./result-text";
import { keepLargeOutput } from "../context/large-output";

export interface ToolCallEnv {
  permissions?: PermissionGate;
  /** Gives each call a notifier bound to it (the notify_user tool); absent, nobody can be asked. */
  notifications?: NotificationGate;
  /** How callbacks of a call start subagents and queue messages; null turns callbacks off (subagents). */
  callbackEffects: ((call: ToolCallRequest) => CallbackEffects) | null;
  callbackTimeoutMs: number;
  /** The deployment's web search bound to the run (the Search tool); absent, Search reports none. */
  search?: RunSearch;
  /** The run's session's browser (the browser_* tools; a subagent shares its parent's); absent, they report none. */
  browser?: BrowserAccess;
  /** The workspace's knowledge sources (the knowledge_search tool); absent, it reports none. */
  knowledge?: RunKnowledge;
}

export interface ToolCallsOutcome {
  results: ToolResultMessage[];
  cancelled: boolean;
}

export async function runToolCalls(
  calls: ToolCallRequest[],
  step: { messageId: string; nextIndex: number },
  scope: LoopScope,
  services: LoopServices,
  env: ToolCallEnv,
  signals: LoopSignals,
): Promise<ToolCallsOutcome> {
  const results: ToolResultMessage[] = [];
  let index = step.nextIndex;
  const save = async (call: ToolCallRequest, result: ToolResult) => {
    throwIfLeaseLost(scope, signals);
    // Media is stored as the files it came from: a later run reads them again (media-replay.ts).
    const media = result.media?.length ? { media: result.media } : {};
    const refs = result.media?.length ? { media: result.media.map(({ path, mediaType }) => ({ path, mediaType })) } : {};
    await services.store.appendPart(step.messageId, index++, {
      type: "tool_result",
      toolCallId: call.id,
      result: result.output,
      isError: result.isError,
      ...refs,
    });
    const message: ToolResultMessage = { toolCallId: call.id, toolName: call.name, result: result.output, isError: result.isError, ...media };
    results.push(message);
    return message;
  };

  for (const [position, call] of calls.entries()) {
    let result: ToolResult;
    try {
      result = await runOne(call, scope, services, env, signals.signal);
      // An output too long to send whole stays in the session folder; the model gets its ends and path.
      const maxBytes = services.context?.toolOutputMaxBytes;
      if (maxBytes !== undefined) result = { ...result, output: await keepLargeOutput(result.output, call.id, scope.sessionDir, maxBytes) };
    } catch (error) {
      if (!signals.signal.aborted) throw error;
      throwIfLeaseLost(scope, signals);
      for (const unfinished of calls.slice(position)) {
        await save(unfinished, failed(INTERRUPTED_RESULT));
        await complete(services, unfinished, false, "Interrupted");
      }
      return { results, cancelled: true };
    }
    const message = await save(call, result);
    if (!result.isError && env.callbackEffects && scope.callbacks.length > 0) {
      index = await runCallbacksFor(call, message, { messageId: step.messageId, index }, scope, services, env, signals);
    }
  }
  return { results, cancelled: false };
}

/**
 * One call, from checks to result; throws only when the signal aborted it. The input is parsed
 * once, before anyone is asked: a call that cannot run is refused without a permission request.
 */
async function runOne(call: ToolCallRequest, scope: LoopScope, services: LoopServices, env: ToolCallEnv, signal: AbortSignal): Promise<ToolResult> {
  // The label is a tool the registry knows: the model may ask for any name, and each would be a series.
  const label = services.tools.get(call.name) ? call.name : "unknown";
  const result = await traceToolCall(call, () => measureToolCall(label, () => checkAndRun(call, scope, services, env, signal)));
  await complete(services, call, !result.isError, result.isError ? `${call.name} failed` : `${call.name} finished`);
  return result;
}

async function checkAndRun(call: ToolCallRequest, scope: LoopScope, services: LoopServices, env: ToolCallEnv, signal: AbortSignal): Promise<ToolResult> {
  const start = () =>
    services.emit("tool_execution_start", { type: "tool_execution_start", toolCallId: call.id, toolName: call.name, progress: `Running ${call.name}` });
  const refuse = async (reason: string) => {
    await start();
    return failed(reason);
  };

  const tool = services.tools.get(call.name);
  if (!tool) return refuse(services.tools.unknownTool(call.name));
  if (scope.planMode && !tool.readOnly) {
    return refuse(`${call.name} is not available in plan mode: only read-only tools may run. Finish the plan and call ExitPlanMode with it.`);
  }
  const parsed = parseToolInput(call.name, call.input);
  if (!parsed.ok) return refuse(parsed.error);
  const asker = {
    workspaceId: scope.workspaceId,
    sessionId: scope.sessionId,
    streamSessionId: scope.streamSessionId,
    runId: scope.runId,
    toolCallId: call.id,
    ...(scope.parentToolCallId ? { parentToolCallId: scope.parentToolCallId } : {}),
  };
  if (env.permissions) {
    const outcome = await env.permissions.ask(
      {
        ...asker,
        toolName: call.name,
        input: parsed.input,
        defaultRequired: tool.requiresPermission,
      },
      signal,
    );
    if (!outcome.granted) return refuse(outcome.message);
  }
  await start();
  return tool.run(parsed.input, {
    sessionDir: scope.sessionDir,
    signal,
    limits: services.limits,
    sandbox: services.sandbox,
    network: scope.network,
    toolCallId: call.id,
    ...(env.notifications ? { notifier: env.notifications.notifierFor(asker) } : {}),
    sessionId: scope.streamSessionId,
    model: { provider: scope.model.providerName, modelId: scope.model.modelId },
    ...(env.search ? { search: env.search } : {}),
    ...(env.browser ? { browser: env.browser } : {}),
    ...(env.knowledge ? { knowledge: env.knowledge } : {}),
  });
}

function complete(services: LoopServices, call: ToolCallRequest, success: boolean, progress: string) {
  return services.emit("tool_execution_complete", { type: "tool_execution_complete", toolCallId: call.id, toolName: call.name, progress, success });
}

/** Runs the session's callbacks for a successful call; their output joins the result the model sees. */
async function runCallbacksFor(
  call: ToolCallRequest,
  message: ToolResultMessage,
  at: { messageId: string; index: number },
  scope: LoopScope,
  services: LoopServices,
  env: ToolCallEnv,
  signals: LoopSignals,
): Promise<number> {
  let index = at.index;
  for (const callback of matchingCallbacks(scope.callbacks, call.name)) {
    const outcome = await runCallback(
      callback,
      {
        sessionId: scope.sessionId,
        sessionDir: scope.sessionDir,
        sandbox: services.sandbox,
        network: scope.network,
        toolName: call.name,
        toolCallId: call.id,
        toolResult: message.result,
        signal: signals.signal,
        defaultTimeoutMs: env.callbackTimeoutMs,
      },
      env.callbackEffects!(call),
    );
    throwIfLeaseLost(scope, signals);
    const part = { type: "callback_result" as const, result: outcome.result };
    await services.store.appendPart(at.messageId, index++, part);
    const note = callbackContextText(part);
    if (note) message.result = `${message.result}\n\n${note}`;
  }
  return index;
}
