/** Anthropic Messages API streaming: named SSE events, each data carrying its own `type`. */
import type { FakeReply } from "./fake-http-server";
import { DEFAULT_FAKE_USAGE, pieces, toolInputJson, type FakeReplyOptions, type FakeToolCall, type FakeToolCallReplyOptions } from "./scripted-reply";

export interface AnthropicEvent {
  type: string;
  [field: string]: unknown;
}

export function anthropicStream(events: AnthropicEvent[], options: { holdOpen?: boolean } = {}): FakeReply {
  return { kind: "sse", frames: events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}`), holdOpen: options.holdOpen };
}

/** The usual opening event of a message. */
export function messageStart(model: string, inputTokens: number): AnthropicEvent {
  return {
    type: "message_start",
    message: {
      id: "msg_fake",
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: inputTokens, output_tokens: 1 },
    },
  };
}

/** An error answer, e.g. (529, "overloaded_error") or (429, "rate_limit_error", { "retry-after": "3" }). */
export function anthropicError(status: number, type: string, message: string, headers?: Record<string, string>): FakeReply {
  return { kind: "json", status, headers, body: { type: "error", error: { type, message } } };
}

/** One content block as its start, delta and stop events, at `index` of the message. */
export function anthropicThinkingBlock(index: number, thinking: string, pieceChars?: number, signature = "sig-fake"): AnthropicEvent[] {
  return [
    { type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } },
    ...pieces(thinking, pieceChars).map((piece) => ({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: piece } })),
    // Anthropic signs every thinking block; the SDK keeps the signature to send the block back.
    { type: "content_block_delta", index, delta: { type: "signature_delta", signature } },
    { type: "content_block_stop", index },
  ];
}

/** Thinking the safety systems encrypted: no text, only data that must be sent back as is. */
export function anthropicRedactedThinkingBlock(index: number, data: string): AnthropicEvent[] {
  return [
    { type: "content_block_start", index, content_block: { type: "redacted_thinking", data } },
    { type: "content_block_stop", index },
  ];
}

export function anthropicTextBlock(index: number, text: string, pieceChars?: number): AnthropicEvent[] {
  return [
    { type: "content_block_start", index, content_block: { type: "text", text: "" } },
    ...pieces(text, pieceChars).map((piece) => ({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } })),
    { type: "content_block_stop", index },
  ];
}

/** A tool_use block: the call's id and name, then its input as input_json_delta pieces. */
export function anthropicToolUseBlock(index: number, call: FakeToolCall, pieceChars?: number): AnthropicEvent[] {
  return [
    { type: "content_block_start", index, content_block: { type: "tool_use", id: call.id, name: call.name, input: {} } },
    ...pieces(toolInputJson(call), pieceChars).map((piece) => ({
      type: "content_block_delta",
      index,
      delta: { type: "input_json_delta", partial_json: piece },
    })),
    { type: "content_block_stop", index },
  ];
}

/** Anthropic-only options of the reply builders. */
export interface AnthropicReplyOptions {
  model?: string;
  /** The signature of the thinking block (when `reasoning` is given); default "sig-fake". */
  signature?: string;
}

/** A streamed text answer (stop_reason "end_turn"), after a thinking block when `reasoning` is given. */
export function anthropicTextReply(text: string, options: FakeReplyOptions & AnthropicReplyOptions = {}): FakeReply {
  return anthropicReply(options, "end_turn", (next) => [anthropicTextBlock(next(), text, options.pieceChars)]);
}

/** A streamed answer that calls tools (stop_reason "tool_use"), optionally after thinking and text. */
export function anthropicToolCallReply(calls: FakeToolCall[], options: FakeToolCallReplyOptions & AnthropicReplyOptions = {}): FakeReply {
  return anthropicReply(options, "tool_use", (next) => [
    ...(options.text ? [anthropicTextBlock(next(), options.text, options.pieceChars)] : []),
    ...calls.map((call) => anthropicToolUseBlock(next(), call, options.pieceChars)),
  ]);
}

function anthropicReply(
  options: FakeReplyOptions & AnthropicReplyOptions,
  stopReason: string,
  blocks: (nextIndex: () => number) => AnthropicEvent[][],
): FakeReply {
  const usage = options.usage ?? DEFAULT_FAKE_USAGE;
  let index = 0;
  const next = () => index++;
  const thinking = options.reasoning ? [anthropicThinkingBlock(next(), options.reasoning, options.pieceChars, options.signature)] : [];
  return anthropicStream([
    messageStart(options.model ?? "claude-fake", usage.promptTokens),
    ...thinking.flat(),
    ...blocks(next).flat(),
    { type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: usage.completionTokens } },
    { type: "message_stop" },
  ]);
}
