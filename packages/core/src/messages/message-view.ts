/** Maps stored messages and their ordered parts to the contract's BackendMessage. */
import type { Message, Part } from "@mix/db";
import type { BackendMessage, ToolCallData } from "../contracts";
import type { PartData } from "./parts";

export type MessageWithParts = Message & { parts: Part[] };

export function toBackendMessage(message: MessageWithParts): BackendMessage {
  const parts = [...message.parts].sort((a, b) => a.index - b.index);
  const texts: string[] = [];
  const reasoning: string[] = [];
  let reasoningDuration = 0;
  const toolCalls = new Map<string, ToolCallData>();
  const callbackResults: Record<string, unknown>[] = [];

  for (const part of parts) {
    const data = part.data as PartData;
    switch (data.type) {
      case "text":
        texts.push(data.text);
        break;
      case "reasoning":
        reasoning.push(data.text);
        reasoningDuration += data.durationMs ?? 0;
        break;
      case "tool_call":
        toolCalls.set(data.toolCallId, { id: data.toolCallId, name: data.name, input: data.input, type: "tool_use", finished: false });
        break;
      case "tool_result": {
        const call = toolCalls.get(data.toolCallId);
        if (call) Object.assign(call, { finished: true, result: data.result, isError: data.isError });
        break;
      }
      case "callback_result":
        callbackResults.push(data.result);
        break;
      case "error":
        break;
    }
  }

  const text = texts.join("");
  const base = { id: message.id, sessionId: message.sessionId, role: message.role };
  if (message.role === "user") return { ...base, userInput: text };
  return {
    ...base,
    userInput: "",
    assistantResponse: text,
    // Redacted reasoning has no text to show: only readable reasoning is reported.
    ...(reasoning.join("") ? { reasoning: reasoning.join(""), reasoningDuration } : {}),
    ...(toolCalls.size ? { toolCalls: [...toolCalls.values()] } : {}),
    ...(callbackResults.length ? { callbackResults } : {}),
  };
}
