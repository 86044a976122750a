/** The one shape every model provider streams in. */
export interface ModelMessage {
  role: "user" | "assistant";
  content: string;
}

export interface ModelRequest {
  model: string;
  system: string;
  messages: ModelMessage[];
  /** Reasoning budget in tokens; 0 turns reasoning off. */
  thinkingBudget: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
}

export type ModelStreamPart =
  | { type: "reasoning-delta"; text: string }
  | { type: "text-delta"; text: string }
  | { type: "finish"; finishReason: string; usage: TokenUsage };

export interface ModelProvider {
  readonly name: string;
  readonly defaultModel: string;
  /** Streams one model call; stops early (throwing the signal's reason) when `signal` aborts. */
  stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart>;
}
