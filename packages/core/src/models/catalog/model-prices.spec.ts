import { ConfigError } from "../../config/config";
import { providerCatalog } from "./provider-catalog";
import { BUILT_IN_PRICES, parseModelPrices, PriceTable } from "./model-prices";

describe("PriceTable", () => {
  const table = new PriceTable();

  it("prices every model of the catalog", () => {
    for (const provider of providerCatalog.modelProviderNames()) {
      for (const model of providerCatalog.models(provider)) expect({ model, price: table.priceOf(model) }).toEqual({ model, price: expect.any(Object) });
    }
  });

  it("costs prompt and completion tokens at their own per-million prices", () => {
    // claude-sonnet-4-5: $3 in, $15 out per million.
    expect(table.costOf("claude-sonnet-4-5", { promptTokens: 1_000_000, completionTokens: 0 })).toBeCloseTo(3, 10);
    expect(table.costOf("claude-sonnet-4-5", { promptTokens: 2_000, completionTokens: 1_000 })).toBeCloseTo(0.006 + 0.015, 10);
    expect(table.costOf("claude-sonnet-4-5", { promptTokens: 0, completionTokens: 0 })).toBe(0);
  });

  it("costs cached prompt tokens at the cache-read price and cache writes at the cache-write price", () => {
    // claude-sonnet-4-5: $3 in, $0.30 cache read, $3.75 cache write per million; the prompt count includes both.
    const usage = { promptTokens: 1_000_000, completionTokens: 0, cacheReadTokens: 600_000, cacheWriteTokens: 300_000 };
    expect(table.costOf("claude-sonnet-4-5", usage)).toBeCloseTo(0.1 * 3 + 0.6 * 0.3 + 0.3 * 3.75, 10);
    // A fully cached prompt costs a tenth of an uncached one.
    const cached = table.costOf("claude-sonnet-4-5", { promptTokens: 10_000, completionTokens: 0, cacheReadTokens: 10_000 });
    expect(cached).toBeCloseTo(table.costOf("claude-sonnet-4-5", { promptTokens: 10_000, completionTokens: 0 }) / 10, 12);
    // OpenAI's automatic cache: reads at a tenth for gpt-5, no write surcharge.
    expect(table.costOf("gpt-5", { promptTokens: 1_000_000, completionTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(0.125, 10);
  });

  it("prices cache tokens of MODEL_PRICES_JSON models at their own rates, or at the input price when none is given", () => {
    const merged = PriceTable.fromConfig({ MODEL_PRICES_JSON: '{"mine": {"input": 2, "output": 0, "cacheRead": 0.5}, "plain": {"input": 2, "output": 0}}' });
    expect(merged.costOf("mine", { promptTokens: 1_000_000, completionTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(0.5, 10);
    expect(merged.costOf("plain", { promptTokens: 1_000_000, completionTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(2, 10);
  });

  it("costs nothing for the scripted model and for a model it does not know (a local one)", () => {
    expect(table.costOf("scripted-1", { promptTokens: 5_000, completionTokens: 5_000 })).toBe(0);
    expect(table.costOf("llama3.1:8b", { promptTokens: 5_000, completionTokens: 5_000 })).toBe(0);
  });

  it("merges MODEL_PRICES_JSON over the built-in table: new models, and changed prices", () => {
    const merged = PriceTable.fromConfig({ MODEL_PRICES_JSON: '{"llama3.1:8b": {"input": 0.5, "output": 1}, "gpt-5": {"input": 1, "output": 2}}' });
    expect(merged.costOf("llama3.1:8b", { promptTokens: 1_000_000, completionTokens: 1_000_000 })).toBeCloseTo(1.5, 10);
    expect(merged.priceOf("gpt-5")).toEqual({ input: 1, output: 2 });
    expect(merged.priceOf("claude-haiku-4-5")).toEqual(BUILT_IN_PRICES["claude-haiku-4-5"]);
    // The built-in table itself is untouched.
    expect(new PriceTable().priceOf("gpt-5")).toEqual({ input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25 });
  });

  it("treats an unset or blank MODEL_PRICES_JSON as no overrides", () => {
    expect(parseModelPrices(undefined)).toEqual({});
    expect(parseModelPrices("  ")).toEqual({});
    expect(PriceTable.fromConfig({}).priceOf("gpt-5")).toEqual({ input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 1.25 });
  });

  it.each([
    ["not JSON", "{gpt-5: 1}", /MODEL_PRICES_JSON: not valid JSON/],
    ["an array", "[1, 2]", /MODEL_PRICES_JSON: .*expected record/i],
    ["a bare number per model", '{"gpt-5": 3}', /MODEL_PRICES_JSON: gpt-5: each model needs \{"input": number, "output": number\}/],
    ["a missing output price", '{"gpt-5": {"input": 3}}', /MODEL_PRICES_JSON: gpt-5\.output: must be a number/],
    ["a price as text", '{"gpt-5": {"input": "3", "output": 15}}', /gpt-5\.input: must be a number/],
    ["a negative price", '{"gpt-5": {"input": -1, "output": 15}}', /gpt-5\.input: must not be negative/],
    ["an unknown field", '{"gpt-5": {"input": 1, "output": 2, "cached": 0.1}}', /gpt-5: Unrecognized key.*cached/],
    ["an empty model id", '{"": {"input": 1, "output": 2}}', /model ids must not be empty/],
  ])("refuses %s with a ConfigError naming the variable and the expected shape", (_what, json, message) => {
    const attempt = () => PriceTable.fromConfig({ MODEL_PRICES_JSON: json });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/expected \{"model-id": \{"input": 3, "output": 15\}\} in USD per million tokens/);
  });
});
