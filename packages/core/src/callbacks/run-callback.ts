/**
 * Runs one session callback after a tool call. A callback that fails (bad command, non-zero exit,
 * timeout, a sub-agent error) is reported in its result and never breaks the run; only the run's
 * cancel signal makes it reject.
 */
import { createHash } from "node:crypto";
import type { Callback } from "../contracts/callbacks";
import { runBashScriptCallback } from "./bash-script-callback";
import type { CallbackEffects, CallbackInvocation, CallbackOutcome, CallbackResult } from "./callback-invocation";
import { runSubAgentCallback } from "./sub-agent-callback";

export async function runCallback(callback: Callback, invocation: CallbackInvocation, effects: CallbackEffects): Promise<CallbackOutcome> {
  const { signal } = invocation;
  signal.throwIfAborted();
  // send_message results always reach the model: the contract forbids excluding them.
  const excludeFromContext = callback.type !== "send_message" && callback.excludeFromContext === true;
  const started = performance.now();
  let outcome: CallbackResult;
  try {
    outcome = await runByType(callback, invocation, effects);
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    outcome = { success: false, error: error instanceof Error ? error.message : String(error) };
  }
  signal.throwIfAborted();
  return {
    excludeFromContext,
    result: {
      callback_type: callback.type,
      callback_name: callbackName(callback),
      tool_name: invocation.toolName,
      tool_call_id: invocation.toolCallId,
      exclude_from_context: excludeFromContext,
      ...outcome,
      duration_ms: Math.round(performance.now() - started),
    },
  };
}

async function runByType(callback: Callback, invocation: CallbackInvocation, effects: CallbackEffects): Promise<CallbackResult> {
  switch (callback.type) {
    case "bash_script":
      return runBashScriptCallback(callback, invocation);
    case "sub_agent":
      return runSubAgentCallback(callback, invocation, effects);
    case "send_message":
      await effects.sendMessage(callback.messageContent ?? "");
      return { success: true };
  }
}

/**
 * The callback's name, else the contract's "Callback #XXXX": four hex digits of its settings, so
 * the same unnamed callback keeps the same name on every run.
 */
export function callbackName(callback: Callback): string {
  if (callback.name?.trim()) return callback.name;
  return `Callback #${createHash("sha256").update(JSON.stringify(callback)).digest("hex").slice(0, 4).toUpperCase()}`;
}
