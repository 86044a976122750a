/** OpenAI chat completions streaming (also spoken by OpenRouter, Ollama, vLLM, LM Studio). */
import type { FakeReply } from "./fake-http-server";

/** One `chat.completion.chunk` with a single choice; pass `usage` (and no delta) for the closing usage chunk. */
export function chatChunk(delta: Record<string, unknown> | null, options: { finishReason?: string; usage?: object; model?: string } = {}) {
  return {
    id: "chatcmpl-fake",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: options.model ?? "gpt-fake",
    choices: delta === null ? [] : [{ index: 0, delta, logprobs: null, finish_reason: options.finishReason ?? null }],
    ...(options.usage ? { usage: options.usage } : {}),
  };
}

/** The chunks as `data:` lines, then `data: [DONE]`. */
export function openAiChatStream(chunks: object[], options: { holdOpen?: boolean } = {}): FakeReply {
  const frames = chunks.map((chunk) => `data: ${JSON.stringify(chunk)}`);
  return { kind: "sse", frames: options.holdOpen ? frames : [...frames, "data: [DONE]"], holdOpen: options.holdOpen };
}

export function openAiError(status: number, message: string, headers?: Record<string, string>): FakeReply {
  return { kind: "json", status, headers, body: { error: { message, type: "rate_limit_exceeded", param: null, code: null } } };
}
