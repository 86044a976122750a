import { ConfigSchema } from "../../config/config";
import { PROVIDER_KINDS } from "../providers/provider-kind";
import { providerCatalog, SCRIPTED_PROVIDER } from "./provider-catalog";

describe("providerCatalog", () => {
  it("has a model provider for every MODEL_PROVIDER value, and nothing else", () => {
    expect([...providerCatalog.modelProviderNames()].sort()).toEqual([...ConfigSchema.shape.MODEL_PROVIDER.unwrap().options].sort());
    // Every provider but the offline one is spoken to through the AI SDK adapter.
    expect(
      providerCatalog
        .modelProviderNames()
        .filter((name) => name !== SCRIPTED_PROVIDER)
        .sort(),
    ).toEqual([...PROVIDER_KINDS].sort());
  });

  it("names each listed model's provider, and every provider's default is one of its own", () => {
    for (const provider of providerCatalog.modelProviderNames()) {
      for (const model of providerCatalog.models(provider)) {
        expect(providerCatalog.providerOfModel(model)).toBe(provider);
        expect(providerCatalog.acceptsModel(provider, model)).toBe(true);
      }
      const fallback = providerCatalog.defaultModel(provider);
      if (fallback !== undefined) expect(providerCatalog.models(provider)[0]).toBe(fallback);
    }
    expect(providerCatalog.providerOfModel("gpt-9")).toBeUndefined();
  });

  it("takes only listed models for closed providers, any plausible id for OpenRouter and an OpenAI-compatible server", () => {
    expect(providerCatalog.acceptsModel("anthropic", "gpt-5")).toBe(false);
    expect(providerCatalog.acceptsModel("scripted", "scripted-2")).toBe(false);
    expect(providerCatalog.acceptsModel("openrouter", "mistralai/mistral-large")).toBe(true);
    expect(providerCatalog.acceptsModel("openai-compatible", "llama3.1:8b")).toBe(true);
    expect(providerCatalog.acceptsModel("openai-compatible", "")).toBe(false);
    expect(providerCatalog.acceptsModel("openai-compatible", "a b")).toBe(false);
    expect(providerCatalog.acceptsModel("openai-compatible", "m".repeat(201))).toBe(false);
    expect(providerCatalog.acceptsModel("openai-compatible", "m".repeat(200))).toBe(true);
  });

  it("is a model provider for openai-compatible, but offers no model list for it in available_providers", () => {
    expect(providerCatalog.isModelProvider("openai-compatible")).toBe(true);
    expect(providerCatalog.isModelProvider("brave")).toBe(false);
    expect(providerCatalog.isModelProvider("toString")).toBe(false);
    expect(Object.keys(providerCatalog.available())).toEqual(["anthropic", "openai", "openrouter", "gemini", "scripted"]);
    expect(providerCatalog.displayName("openai-compatible")).toBe("OpenAI-compatible server");
  });
});
