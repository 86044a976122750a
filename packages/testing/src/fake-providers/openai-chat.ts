/** OpenAI chat completions streaming (also spoken by OpenRouter, Ollama, vLLM, LM Studio). */
import type { FakeReply } from "./fake-http-server";
import {
  DEFAULT_FAKE_USAGE,
  pieces,
  toolInputJson,
  type FakeReplyOptions,
  type FakeToolCall,
  type FakeToolCallReplyOptions,
  type FakeUsage,
} from "./scripted-reply";

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

/** The chunks that stream `calls`: each one's id and name first, then its arguments in pieces. */
export function openAiToolCallChunks(calls: FakeToolCall[], pieceChars?: number): object[] {
  return calls.flatMap((call, index) => [
    chatChunk({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }),
    ...pieces(toolInputJson(call), pieceChars).map((argumentsPiece) => chatChunk({ tool_calls: [{ index, function: { arguments: argumentsPiece } }] })),
  ]);
}

/**
 * A streamed text answer. `reasoning` goes out as `reasoning_content` deltas, which OpenAI-compatible
 * servers (OpenRouter, Ollama, vLLM) send; OpenAI's own chat API sends no reasoning and its adapter ignores it.
 */
export function openAiTextReply(text: string, options: FakeReplyOptions = {}): FakeReply {
  return openAiChatStream([
    chatChunk({ role: "assistant", content: "" }),
    ...reasoningChunks(options),
    ...pieces(text, options.pieceChars).map((content) => chatChunk({ content })),
    chatChunk({}, { finishReason: "stop" }),
    usageChunk(options.usage),
  ]);
}

/**
 * Text that starts streaming, then an error in the middle of the stream, as OpenAI-compatible
 * servers (vLLM, OpenRouter, LiteLLM) report a failure once the 200 is sent: a `data:` chunk
 * holding an `error` object, and the stream ends without `[DONE]`. The error's `type` decides
 * what the adapter makes of it (e.g. `overloaded_error` is retried).
 */
export function openAiTextThenError(text: string, error: { message: string; type: string; code?: string | number }, options: FakeReplyOptions = {}): FakeReply {
  const chunks = [
    chatChunk({ role: "assistant", content: "" }),
    ...reasoningChunks(options),
    ...pieces(text, options.pieceChars).map((content) => chatChunk({ content })),
    { error: { message: error.message, type: error.type, param: null, code: error.code ?? null } },
  ];
  return { kind: "sse", frames: chunks.map((chunk) => `data: ${JSON.stringify(chunk)}`) };
}

/** A streamed answer that calls tools (finish_reason "tool_calls"), optionally after some text. */
export function openAiToolCallReply(calls: FakeToolCall[], options: FakeToolCallReplyOptions = {}): FakeReply {
  return openAiChatStream([
    chatChunk({ role: "assistant", content: "" }),
    ...reasoningChunks(options),
    ...pieces(options.text, options.pieceChars).map((content) => chatChunk({ content })),
    ...openAiToolCallChunks(calls, options.pieceChars),
    chatChunk({}, { finishReason: "tool_calls" }),
    usageChunk(options.usage),
  ]);
}

const reasoningChunks = (options: FakeReplyOptions) =>
  pieces(options.reasoning, options.pieceChars).map((reasoning_content) => chatChunk({ reasoning_content }));

function usageChunk(usage: FakeUsage = DEFAULT_FAKE_USAGE) {
  const { promptTokens, completionTokens } = usage;
  // OpenAI's automatic prompt cache reports the cached part of the prompt here.
  const details = usage.cachedTokens !== undefined ? { prompt_tokens_details: { cached_tokens: usage.cachedTokens } } : {};
  return chatChunk(null, {
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens, ...details },
  });
}
