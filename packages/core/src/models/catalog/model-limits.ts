/**
 * How much each model takes in and gives out: its context window (input and output together,
 * in tokens) and its output limit. Every model of the provider catalog is listed; a model it
 * does not know (an OpenAI-compatible server's, a router's unlisted one) gets
 * MODEL_DEFAULT_CONTEXT_WINDOW and MODEL_DEFAULT_MAX_OUTPUT_TOKENS, and the scripted model the
 * SCRIPTED_* values, so tests can give it a small window.
 */
import type { Config } from "../../config/config";
import { SCRIPTED_MODEL_ID } from "./provider-catalog";

export interface ModelLimits {
  /** Tokens of one request, input and output together. */
  contextWindow: number;
  /** The most tokens one answer may take (reasoning included). */
  maxOutputTokens: number;
}

const limits = (contextWindow: number, maxOutputTokens: number): ModelLimits => ({ contextWindow, maxOutputTokens });

/** Published limits when this table was written (standard tier, without long-context betas). */
export const BUILT_IN_LIMITS: Readonly<Record<string, ModelLimits>> = {
  "claude-sonnet-4-5": limits(200_000, 64_000),
  "claude-opus-4-1": limits(200_000, 32_000),
  "claude-haiku-4-5": limits(200_000, 64_000),
  "claude-sonnet-4-0": limits(200_000, 64_000),
  "claude-opus-4-0": limits(200_000, 32_000),
  "claude-3-7-sonnet-latest": limits(200_000, 64_000),
  "gpt-5": limits(400_000, 128_000),
  "gpt-5-mini": limits(400_000, 128_000),
  "gpt-5-nano": limits(400_000, 128_000),
  "gpt-4.1": limits(1_047_576, 32_768),
  "gpt-4.1-mini": limits(1_047_576, 32_768),
  o3: limits(200_000, 100_000),
  "o4-mini": limits(200_000, 100_000),
  "gemini-2.5-pro": limits(1_048_576, 65_536),
  "gemini-2.5-flash": limits(1_048_576, 65_536),
  "gemini-2.5-flash-lite": limits(1_048_576, 65_536),
  "anthropic/claude-sonnet-4.5": limits(200_000, 64_000),
  "anthropic/claude-opus-4.1": limits(200_000, 32_000),
  "openai/gpt-5": limits(400_000, 128_000),
  "google/gemini-2.5-pro": limits(1_048_576, 65_536),
  "x-ai/grok-4": limits(256_000, 32_000),
  "deepseek/deepseek-chat-v3.1": limits(163_840, 32_768),
  "qwen/qwen3-coder": limits(262_144, 65_536),
};

export type LimitsConfig = Pick<
  Config,
  "MODEL_DEFAULT_CONTEXT_WINDOW" | "MODEL_DEFAULT_MAX_OUTPUT_TOKENS" | "SCRIPTED_CONTEXT_WINDOW" | "SCRIPTED_MAX_OUTPUT_TOKENS"
>;

export class ModelLimitTable {
  constructor(private readonly config: LimitsConfig) {}

  limitsOf(modelId: string): ModelLimits {
    if (modelId === SCRIPTED_MODEL_ID) return limits(this.config.SCRIPTED_CONTEXT_WINDOW, this.config.SCRIPTED_MAX_OUTPUT_TOKENS);
    return BUILT_IN_LIMITS[modelId] ?? limits(this.config.MODEL_DEFAULT_CONTEXT_WINDOW, this.config.MODEL_DEFAULT_MAX_OUTPUT_TOKENS);
  }

  /**
   * The input a request may take: the window less the room its answer is given (the request's
   * own output limit when it sets one, else the model's), never below a tenth of the window.
   */
  inputRoom(modelId: string, requestMaxOutput?: number): number {
    const { contextWindow, maxOutputTokens } = this.limitsOf(modelId);
    const reserved = Math.min(requestMaxOutput ?? maxOutputTokens, maxOutputTokens);
    return Math.max(Math.floor(contextWindow / 10), contextWindow - reserved);
  }
}
