import { BUILT_IN_LIMITS, ModelLimitTable } from "./model-limits";
import { providerCatalog, SCRIPTED_MODEL_ID } from "./provider-catalog";

const config = {
  MODEL_DEFAULT_CONTEXT_WINDOW: 32_000,
  MODEL_DEFAULT_MAX_OUTPUT_TOKENS: 4_000,
  SCRIPTED_CONTEXT_WINDOW: 3_000,
  SCRIPTED_MAX_OUTPUT_TOKENS: 500,
};
const table = new ModelLimitTable(config);

it("knows the context window and output limit of every model of the catalog", () => {
  for (const provider of providerCatalog.modelProviderNames()) {
    for (const model of providerCatalog.models(provider)) {
      if (model === SCRIPTED_MODEL_ID) continue;
      expect({ model, limits: BUILT_IN_LIMITS[model] }).toEqual({ model, limits: { contextWindow: expect.any(Number), maxOutputTokens: expect.any(Number) } });
      expect(BUILT_IN_LIMITS[model]!.maxOutputTokens).toBeLessThan(BUILT_IN_LIMITS[model]!.contextWindow);
    }
  }
});

it("gives the scripted model its configured limits, and an unknown model the defaults", () => {
  expect(table.limitsOf(SCRIPTED_MODEL_ID)).toEqual({ contextWindow: 3_000, maxOutputTokens: 500 });
  expect(table.limitsOf("llama3.1:8b")).toEqual({ contextWindow: 32_000, maxOutputTokens: 4_000 });
  expect(table.limitsOf("claude-sonnet-4-5")).toEqual({ contextWindow: 200_000, maxOutputTokens: 64_000 });
});

it("leaves the request's input the window less the answer's room: its own limit when smaller than the model's", () => {
  expect(table.inputRoom("gpt-5")).toBe(272_000);
  expect(table.inputRoom("gpt-5", 8_000)).toBe(392_000);
  expect(table.inputRoom("gpt-5", 1_000_000)).toBe(272_000);
  expect(table.inputRoom(SCRIPTED_MODEL_ID)).toBe(2_500);
});
