/**
 * The conversation a run sends to the model: every message up to the run's turn, with each
 * step's tool calls followed by their results. Callback output reaches the model as part of
 * the tool result unless the callback said `excludeFromContext`. Errors stay out; reasoning
 * comes along with what its provider attached to it.
 */
import { INTERRUPTED_RESULT, callbackContextText } from "../agent/result-text";
import type { PartData } from "../messages/parts";
import type { ModelMessage, ReasoningBlock, ToolCallRequest, ToolResultMessage } from "../models/model-provider";
import type { RunStepStore } from "./run-step-store";

export async function loadModelHistory(steps: Pick<RunStepStore, "transcript">, sessionId: string, upToTurn: number): Promise<ModelMessage[]> {
  const history: ModelMessage[] = [];
  for (const { role, parts } of await steps.transcript(sessionId, upToTurn)) {
    const text = parts.flatMap((data) => (data.type === "text" ? [data.text] : [])).join("");
    if (role === "user") {
      if (text) history.push({ role: "user", content: text });
      continue;
    }
    const toolCalls: ToolCallRequest[] = parts.flatMap((data) =>
      data.type === "tool_call"
        ? [{ id: data.toolCallId, name: data.name, input: data.input, ...(data.providerMetadata ? { providerMetadata: data.providerMetadata } : {}) }]
        : [],
    );
    if (!text && toolCalls.length === 0) continue;
    // Reasoning is kept with its provider metadata; the provider adapter decides whether it goes back.
    const reasoning: ReasoningBlock[] = parts.flatMap((data) =>
      data.type === "reasoning" ? [{ text: data.text, ...(data.providerMetadata ? { providerMetadata: data.providerMetadata } : {}) }] : [],
    );
    history.push({ role: "assistant", content: text, ...(toolCalls.length ? { toolCalls } : {}), ...(reasoning.length ? { reasoning } : {}) });
    if (toolCalls.length) history.push({ role: "tool", results: toolResults(toolCalls, parts) });
  }
  return history;
}

function toolResults(calls: ToolCallRequest[], parts: PartData[]): ToolResultMessage[] {
  const results = new Map<string, ToolResultMessage>();
  let last: ToolResultMessage | undefined;
  for (const data of parts) {
    if (data.type === "tool_result") {
      const call = calls.find((candidate) => candidate.id === data.toolCallId);
      last = { toolCallId: data.toolCallId, toolName: call?.name ?? "", result: data.result, isError: data.isError };
      // Only the files are stored; the loop reads them again for the model it calls (agent/media-replay).
      if (data.media?.length && !data.isError) last.mediaRefs = data.media;
      results.set(data.toolCallId, last);
    } else if (data.type === "callback_result" && last) {
      // Callback results follow the tool result that triggered them.
      const note = callbackContextText(data);
      if (note) last.result = `${last.result}\n\n${note}`;
    }
  }
  // Every call gets a result, or providers refuse the conversation.
  return calls.map((call) => results.get(call.id) ?? { toolCallId: call.id, toolName: call.name, result: INTERRUPTED_RESULT, isError: true });
}
