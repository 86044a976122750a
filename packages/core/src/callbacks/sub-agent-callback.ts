/** sub_agent callbacks: a sub-agent gets the callback's prompt with the tool call appended as context. */
import type { Callback } from "../contracts/callbacks";
import { capText } from "../tools/paths";
import type { CallbackEffects, CallbackInvocation, CallbackResult } from "./callback-invocation";

/** The contract's default subAgentType. */
export const DEFAULT_SUBAGENT_TYPE = "general-purpose";
/** Most characters of the tool's output put into the sub-agent's prompt. */
export const SUBAGENT_TOOL_RESULT_MAX_CHARS = 30_000;

export async function runSubAgentCallback(callback: Callback, invocation: CallbackInvocation, effects: CallbackEffects): Promise<CallbackResult> {
  const answer = await effects.runSubAgent(subAgentPrompt(callback, invocation), {
    subagentType: callback.subAgentType ?? DEFAULT_SUBAGENT_TYPE,
    includeFullHistory: callback.includeFullHistory ?? false,
  });
  if (typeof answer === "string") return { success: true, subagent_result: answer };
  return { success: true, subagent_result: answer.text, ...(answer.sessionId ? { subagent_id: answer.sessionId } : {}) };
}

export function subAgentPrompt(callback: Callback, invocation: CallbackInvocation): string {
  return [
    (callback.subAgentPrompt ?? "").trim(),
    "",
    "<tool_execution>",
    `Tool: ${invocation.toolName}`,
    `Tool call id: ${invocation.toolCallId}`,
    "Result:",
    capText(invocation.toolResult, SUBAGENT_TOOL_RESULT_MAX_CHARS),
    "</tool_execution>",
  ].join("\n");
}
