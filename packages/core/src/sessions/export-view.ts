/**
 * Maps a transcript to the contract's ExportMessage list. Tool results are attached to their
 * call wherever the call is in the transcript, so a result stored in a later (tool) message
 * still lands on its call.
 */
import type { ExportMessage, ExportToolCall } from "../contracts";
import type { MessageWithParts } from "../messages/message-view";
import type { PartData } from "../messages/parts";

/** The input parsed, when it is a JSON object (the contract types `inputJson` as an object). */
function parseInput(input: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(input);
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch (error) {
    // Models may stream malformed input; the raw string is still exported in `input`.
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export function toExportMessages(messages: MessageWithParts[]): ExportMessage[] {
  const calls = new Map<string, ExportToolCall>();
  const exported = messages.map((message): ExportMessage => {
    const texts: string[] = [];
    const reasoning: string[] = [];
    let reasoningDuration = 0;
    const toolCalls: ExportToolCall[] = [];
    const callbackResults: Record<string, unknown>[] = [];
    for (const part of [...message.parts].sort((a, b) => a.index - b.index)) {
      const data = part.data as PartData;
      if (data.type === "text") texts.push(data.text);
      else if (data.type === "reasoning") {
        reasoning.push(data.text);
        reasoningDuration += data.durationMs ?? 0;
      } else if (data.type === "tool_call") {
        const inputJson = parseInput(data.input);
        const call: ExportToolCall = {
          id: data.toolCallId,
          name: data.name,
          input: data.input,
          ...(inputJson ? { inputJson } : {}),
          type: "tool_use",
          finished: false,
        };
        toolCalls.push(call);
        calls.set(call.id, call);
      } else if (data.type === "callback_result") callbackResults.push(data.result);
    }
    return {
      id: message.id,
      role: message.role,
      content: texts.join(""),
      ...(reasoning.length ? { reasoning: reasoning.join(""), reasoningDuration } : {}),
      ...(toolCalls.length ? { toolCalls } : {}),
      ...(callbackResults.length ? { callbackResults } : {}),
      ...(message.model ? { model: message.model } : {}),
      ...(message.finishReason ? { finishReason: message.finishReason } : {}),
      createdAt: message.createdAt.toISOString(),
      updatedAt: message.updatedAt.toISOString(),
    };
  });
  // Second pass: a result may come after its call, in the same message or a later one.
  for (const message of messages) {
    for (const part of message.parts) {
      const data = part.data as PartData;
      if (data.type !== "tool_result") continue;
      const call = calls.get(data.toolCallId);
      if (call) Object.assign(call, { finished: true, result: data.result, isError: data.isError });
    }
  }
  return exported;
}
