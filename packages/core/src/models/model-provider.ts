/**
 * The one shape every model provider streams in: reasoning and text deltas (reasoning in blocks
 * that may carry provider metadata), tool calls (their input streamed as JSON text, then
 * complete), and a finish with token usage.
 */
export interface ToolCallRequest {
  id: string;
  name: string;
  /** The complete JSON input, as text. */
  input: string;
  /** What the provider wants back with the call (Gemini's thought signature). */
  providerMetadata?: ProviderMetadata;
}

export interface ToolResultMessage {
  toolCallId: string;
  toolName: string;
  result: string;
  isError: boolean;
  /** Files the result shows the model after its text (ReadMedia), in the provider's native input. */
  media?: ToolResultMedia[];
  /** Stored media of a result read back from the transcript, still to be loaded (agent/media-replay). */
  mediaRefs?: MediaReference[];
}

/** A file in a tool result: its bytes as the model is sent them. */
export interface ToolResultMedia {
  /** The IANA type of `data` ("image/png", "application/pdf", "audio/wav"). */
  mediaType: string;
  /** The bytes, base64. */
  data: string;
  /** Where it came from, relative to the session folder: what a later run reads again. */
  path: string;
}

/** What the transcript keeps of a tool result's media: the file, never its bytes. */
export interface MediaReference {
  /** Relative to the session folder. */
  path: string;
  /** The type it was sent as. */
  mediaType: string;
}

type JsonValue = null | string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/**
 * What a provider attached to its output and wants back with it (Anthropic's thinking
 * signature or redacted thinking data, Gemini's thought signature on a call), keyed by the provider's SDK name ("anthropic"):
 * opaque to us, stored and replayed as received.
 */
export type ProviderMetadata = Record<string, { [key: string]: JsonValue }>;

/** One reasoning (thinking) block of an assistant turn, with what it must be sent back with. */
export interface ReasoningBlock {
  text: string;
  providerMetadata?: ProviderMetadata;
}

/** `sourceId`: the stored message it was read from or saved as (where a compaction may cut); never sent. */
export type ModelMessage =
  | { role: "user"; content: string; sourceId?: string }
  | { role: "assistant"; content: string; toolCalls?: ToolCallRequest[]; reasoning?: ReasoningBlock[]; sourceId?: string }
  | { role: "tool"; results: ToolResultMessage[] };

/**
 * The provider refused the request as longer than the model's context window (Anthropic's
 * "prompt is too long", OpenAI's context_length_exceeded): the loop compacts and tries once more.
 */
export class ContextOverflowError extends Error {
  override name = "ContextOverflowError";
}

export interface ToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the tool's input. */
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: ModelMessage[];
  /** Reasoning budget in tokens; 0 turns reasoning off. */
  thinkingBudget: number;
  tools?: ToolDefinition[];
  maxOutputTokens?: number;
  /** Mark the stable prefix for the provider's prompt cache where its API takes breakpoints (PROMPT_CACHING). */
  promptCaching?: boolean;
}

export interface TokenUsage {
  /** Every input token of the call, the cached ones included. */
  promptTokens: number;
  completionTokens: number;
  /** Of `promptTokens`, those read from the provider's prompt cache (billed at its cache-read price). */
  cacheReadTokens?: number;
  /** Of `promptTokens`, those written to the prompt cache (Anthropic; billed at its cache-write price). */
  cacheWriteTokens?: number;
}

export type ModelStreamPart =
  | { type: "reasoning-delta"; text: string }
  /** Closes the current reasoning block (one may have no deltas: redacted thinking). */
  | { type: "reasoning-end"; providerMetadata?: ProviderMetadata }
  | { type: "text-delta"; text: string }
  | { type: "tool-call-start"; id: string; name: string }
  | { type: "tool-call-delta"; id: string; inputDelta: string }
  | { type: "tool-call"; id: string; name: string; input: string; providerMetadata?: ProviderMetadata }
  | { type: "finish"; finishReason: string; usage: TokenUsage };

/** A provider's refusal worth retrying later (rate limit, overload), with its advice if any. */
export class RetryableProviderError extends Error {
  override name = "RetryableProviderError";
  constructor(
    message: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface ModelProvider {
  readonly name: string;
  readonly defaultModel: string;
  /** Streams one model call; stops early (throwing the signal's reason) when `signal` aborts. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart>;
}
