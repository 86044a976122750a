/** Drains a provider stream into an array (test helper). */
import type { ModelProvider, ModelRequest, ModelStreamPart } from "../../src/models/model-provider";

export async function collect(provider: ModelProvider, request: ModelRequest, signal = new AbortController().signal): Promise<ModelStreamPart[]> {
  const parts: ModelStreamPart[] = [];
  for await (const part of provider.stream(request, signal)) parts.push(part);
  return parts;
}

/** A request with one earlier tool round-trip, so every message shape is sent. */
export function toolRoundTripRequest(model: string, thinkingBudget: number): ModelRequest {
  return {
    model,
    system: "You are terse.",
    thinkingBudget,
    maxOutputTokens: 20_000,
    messages: [
      { role: "user", content: "Weather in Paris?" },
      { role: "assistant", content: "Checking.", toolCalls: [{ id: "call_1", name: "get_weather", input: '{"city":"Paris"}' }] },
      { role: "tool", results: [{ toolCallId: "call_1", toolName: "get_weather", result: "18C, cloudy", isError: false }] },
      { role: "user", content: "And Rome?" },
    ],
    tools: [
      {
        name: "get_weather",
        description: "Current weather of a city",
        inputSchema: { type: "object", properties: { city: { type: "string" } }, required: ["city"], additionalProperties: false },
      },
    ],
  };
}

/** The streamed text of one kind of delta, joined. */
export function joinedText(parts: ModelStreamPart[], type: "text-delta" | "reasoning-delta"): string {
  return parts.flatMap((part) => (part.type === type ? [part.text] : [])).join("");
}
