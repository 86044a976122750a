/** Anthropic Messages API streaming: named SSE events, each data carrying its own `type`. */
import type { FakeReply } from "./fake-http-server";

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
