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
  /** USD per million prompt tokens. */
  input: number;
  /** USD per million completion tokens (reasoning tokens are billed as completion). */
  output: number;
}

/**
 * Public list prices (standard tier, prompts under any long-context surcharge) when this table
 * was written. Cache reads and writes are not priced separately. Providers change prices; a
 * deployment corrects them with MODEL_PRICES_JSON rather than waiting for a release.
 */
export const BUILT_IN_PRICES: Readonly<Record<string, ModelPrice>> = {
  "scripted-1": { input: 0, output: 0 },
  "claude-sonnet-4-5": { input: 3, output: 15 },
  "claude-opus-4-1": { input: 15, output: 75 },
  "claude-haiku-4-5": { input: 1, output: 5 },
  "claude-sonnet-4-0": { input: 3, output: 15 },
  "claude-opus-4-0": { input: 15, output: 75 },
  "claude-3-7-sonnet-latest": { input: 3, output: 15 },
  "gpt-5": { input: 1.25, output: 10 },
  "gpt-5-mini": { input: 0.25, output: 2 },
  "gpt-5-nano": { input: 0.05, output: 0.4 },
  "gpt-4.1": { input: 2, output: 8 },
  "gpt-4.1-mini": { input: 0.4, output: 1.6 },
  o3: { input: 2, output: 8 },
  "o4-mini": { input: 1.1, output: 4.4 },
  "gemini-2.5-pro": { input: 1.25, output: 10 },
  "gemini-2.5-flash": { input: 0.3, output: 2.5 },
  "gemini-2.5-flash-lite": { input: 0.1, output: 0.4 },
  "anthropic/claude-sonnet-4.5": { input: 3, output: 15 },
  "anthropic/claude-opus-4.1": { input: 15, output: 75 },
  "openai/gpt-5": { input: 1.25, output: 10 },
  "google/gemini-2.5-pro": { input: 1.25, output: 10 },
  "x-ai/grok-4": { input: 3, output: 15 },
  "deepseek/deepseek-chat-v3.1": { input: 0.27, output: 1.1 },
  "qwen/qwen3-coder": { input: 0.22, output: 0.95 },
};

const usdPerMillion = z.number({ error: "must be a number" }).finite().min(0, "must not be negative");
const PricesJson = z
  .record(
    z.string(),
    z.strictObject(
      { input: usdPerMillion, output: usdPerMillion },
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
  new ConfigError(`Invalid configuration:\n  MODEL_PRICES_JSON: ${problem}; expected {"model-id": {"input": 3, "output": 15}} in USD per million tokens`);

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
    return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
  }
}
