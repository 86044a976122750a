/**
 * What a model call costs: USD per million prompt (input) and completion (output) tokens, per
 * model id. A built-in table of list prices for the catalog's models, with MODEL_PRICES_JSON
 * merged over it (new models, negotiated prices, a paid proxy). A malformed MODEL_PRICES_JSON
 * stops the process at boot: silently costing every call 0 would hide the mistake for months.
 */
import { z } from "zod";
import { ConfigError, type Config } from "../../config/config";
import type { TokenUsage } from "../model-provider";

export interface ModelPrice {
  /** USD per million prompt tokens (those neither read from nor written to the provider's prompt cache). */
  input: number;
  /** USD per million completion tokens (reasoning tokens are billed as completion). */
  output: number;
  /** USD per million prompt tokens read from the prompt cache; unset: the input price. */
  cacheRead?: number;
  /** USD per million prompt tokens written to the prompt cache (Anthropic); unset: the input price. */
  cacheWrite?: number;
}

/** Anthropic: cache reads at 0.1x input, 5-minute cache writes at 1.25x. */
const anthropic = (input: number, output: number): ModelPrice => ({ input, output, cacheRead: input / 10, cacheWrite: input * 1.25 });
/** Automatic caching (OpenAI, Gemini): cached reads at `readShare` of input, no write surcharge. */
const cached = (input: number, output: number, readShare: number): ModelPrice => ({ input, output, cacheRead: input * readShare, cacheWrite: input });

/**
 * Public list prices (standard tier, prompts under any long-context surcharge) when this table
 * was written, cache reads and writes at their own rates. Providers change prices; a
 * deployment corrects them with MODEL_PRICES_JSON rather than waiting for a release.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = {
  "scripted-1": { input: 0, output: 0 },
  "claude-sonnet-4-5": anthropic(3, 15),
  "claude-opus-4-1": anthropic(15, 75),
  "claude-haiku-4-5": anthropic(1, 5),
  "claude-sonnet-4-0": anthropic(3, 15),
  "claude-opus-4-0": anthropic(15, 75),
  "claude-3-7-sonnet-latest": anthropic(3, 15),
  "gpt-5": cached(1.25, 10, 0.1),
  "gpt-5-mini": cached(0.25, 2, 0.1),
  "gpt-5-nano": cached(0.05, 0.4, 0.1),
  "gpt-4.1": cached(2, 8, 0.25),
  "gpt-4.1-mini": cached(0.4, 1.6, 0.25),
  o3: cached(2, 8, 0.25),
  "o4-mini": cached(1.1, 4.4, 0.25),
  "gemini-2.5-pro": cached(1.25, 10, 0.25),
  "gemini-2.5-flash": cached(0.3, 2.5, 0.25),
  "gemini-2.5-flash-lite": cached(0.1, 0.4, 0.25),
  "anthropic/claude-sonnet-4.5": anthropic(3, 15),
  "anthropic/claude-opus-4.1": anthropic(15, 75),
  "openai/gpt-5": cached(1.25, 10, 0.1),
  "google/gemini-2.5-pro": cached(1.25, 10, 0.25),
  "x-ai/grok-4": cached(3, 15, 0.25),
  "deepseek/deepseek-chat-v3.1": cached(0.27, 1.1, 0.25),
  "qwen/qwen3-coder": { input: 0.22, output: 0.95 },
};

const usdPerMillion = z.number({ error: "must be a number" }).finite().min(0, "must not be negative");
const PricesJson = z
  .record(
    z.string(),
    z.strictObject(
      { input: usdPerMillion, output: usdPerMillion, cacheRead: usdPerMillion.optional(), cacheWrite: usdPerMillion.optional() },
      // Only for a value that is not an object; an unknown field keeps zod's message naming it.
      { error: (issue) => (issue.code === "invalid_type" ? 'each model needs {"input": number, "output": number}' : undefined) },
    ),
  )
  .refine((prices) => !Object.hasOwn(prices, ""), "model ids must not be empty");

/** Parses MODEL_PRICES_JSON; a ConfigError naming the variable and the problem when it is malformed. */
export function parseModelPrices(json: string | undefined): Record<string, ModelPrice> {
  if (json === undefined || json.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw invalid(`not valid JSON (${(error as Error).message})`);
  }
  const result = PricesJson.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message));
    throw invalid(problems.join("; "));
  }
  return result.data;
}

const invalid = (problem: string) =>
  new ConfigError(
    `Invalid configuration:\n  MODEL_PRICES_JSON: ${problem}; expected {"model-id": {"input": 3, "output": 15}} in USD per million tokens, optionally with "cacheRead" and "cacheWrite" prices`,
  );

export class PriceTable {
  private readonly prices: ReadonlyMap<string, ModelPrice>;

  constructor(overrides: Record<string, ModelPrice> = {}) {
    this.prices = new Map(Object.entries({ ...BUILT_IN_PRICES, ...overrides }));
  }

  /** The built-in table with MODEL_PRICES_JSON over it; throws a ConfigError when that is malformed (call at boot). */
  static fromConfig(config: Pick<Config, "MODEL_PRICES_JSON">): PriceTable {
    return new PriceTable(parseModelPrices(config.MODEL_PRICES_JSON));
  }

  priceOf(modelId: string): ModelPrice | undefined {
    return this.prices.get(modelId);
  }

  /**
   * USD for one model call. A model the table does not know costs 0: a local or self-hosted
   * model (an OpenAI-compatible server) is free, and a run must not fail over accounting;
   * MODEL_PRICES_JSON prices any model that is not.
   */
  costOf(modelId: string, usage: TokenUsage): number {
    const price = this.prices.get(modelId);
    if (!price) return 0;
    // The prompt count includes the cached tokens: the rest is billed at the input price.
    const read = usage.cacheReadTokens ?? 0;
    const write = usage.cacheWriteTokens ?? 0;
    const uncached = Math.max(0, usage.promptTokens - read - write);
    const input = uncached * price.input + read * (price.cacheRead ?? price.input) + write * (price.cacheWrite ?? price.input);
    return (input + usage.completionTokens * price.output) / 1_000_000;
  }
}
