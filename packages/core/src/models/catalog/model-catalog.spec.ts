import { ScriptedProvider } from "../scripted/scripted-provider";
import { AppError } from "../../errors/app-error";
import { providerCatalog } from "./provider-catalog";
import { AUTO_MODEL_ID, ModelCatalog } from "./model-catalog";

const catalog = new ModelCatalog("scripted");

describe("ModelCatalog", () => {
  it("lists Auto first, then the scripted model", () => {
    expect(catalog.list()).toEqual([
      { id: "ml-auto", name: "Auto", task: "Automatic model selection", requiresPaid: false },
      { id: "scripted-1", name: "Scripted", task: "Text generation", requiresPaid: false },
    ]);
  });

  it("lists the model the scripted provider actually runs", () => {
    const provider = new ScriptedProvider({ contentDeltas: 1, reasoningDeltas: 0, delayMs: 0 });
    expect(catalog.list().map((model) => model.id)).toContain(provider.defaultModel);
  });

  it("resolves Auto and an omitted model to the default, and a listed id to itself", () => {
    expect(catalog.resolve(undefined)).toBe("scripted-1");
    expect(catalog.resolve(AUTO_MODEL_ID)).toBe("scripted-1");
    expect(catalog.resolve("scripted-1")).toBe("scripted-1");
  });

  it("refuses an unknown model with 400 naming the valid ids", () => {
    const attempt = () => catalog.resolve("gpt-9");
    expect(attempt).toThrow(AppError);
    expect(attempt).toThrow(
      expect.objectContaining({ status: 400, type: "validation_error", message: "model 'gpt-9' is not available; use one of: ml-auto, scripted-1" }),
    );
  });

  it("hands out copies, so a caller cannot change the catalog", () => {
    catalog.list()[0]!.name = "changed";
    expect(catalog.list()[0]!.name).toBe("Auto");
  });
});

describe("ModelCatalog for each MODEL_PROVIDER", () => {
  it("lists exactly the provider catalog's models of that provider, paid where the provider charges", () => {
    for (const provider of providerCatalog.modelProviderNames()) {
      const models = new ModelCatalog(provider).list().slice(1);
      expect(models.map((model) => model.id)).toEqual(providerCatalog.models(provider));
      for (const model of models) expect(model.requiresPaid).toBe(providerCatalog.isPaid(provider));
    }
    expect(new ModelCatalog("anthropic").resolve(undefined)).toBe("claude-sonnet-4-5");
  });

  it("puts a configured MODEL_ID first, as Auto's choice, even when the provider's list lacks it", () => {
    const catalog = new ModelCatalog("anthropic", "claude-3-5-haiku-latest");
    expect(
      catalog
        .list()
        .map((model) => model.id)
        .slice(0, 3),
    ).toEqual(["ml-auto", "claude-3-5-haiku-latest", "claude-sonnet-4-5"]);
    expect(catalog.resolve(AUTO_MODEL_ID)).toBe("claude-3-5-haiku-latest");
    expect(catalog.choose("claude-3-5-haiku-latest")).toEqual({ provider: "anthropic", modelId: "claude-3-5-haiku-latest" });
    // Listed once, not twice, when it is also in the list.
    expect(new ModelCatalog("openai", "gpt-5-mini").list().filter((model) => model.id === "gpt-5-mini")).toHaveLength(1);
  });

  it("chooses nothing for Auto, and the provider with the model for a concrete id", () => {
    expect(catalog.choose(undefined)).toBeNull();
    expect(catalog.choose(AUTO_MODEL_ID)).toBeNull();
    expect(catalog.choose("scripted-1")).toEqual({ provider: "scripted", modelId: "scripted-1" });
    expect(() => new ModelCatalog("anthropic").choose("gpt-5")).toThrow("model 'gpt-5' is not available; use one of: ml-auto, claude-sonnet-4-5");
  });

  it("accepts any model id for OpenRouter and an OpenAI-compatible server, but not an empty, spaced or huge one", () => {
    for (const provider of ["openrouter", "openai-compatible"] as const) {
      const open = new ModelCatalog(provider);
      expect(open.choose("meta-llama/llama-3.3-70b-instruct")).toEqual({ provider, modelId: "meta-llama/llama-3.3-70b-instruct" });
      for (const bad of ["", "two words", "x".repeat(201)]) {
        expect(() => open.choose(bad)).toThrow(
          expect.objectContaining({ status: 400, message: "model must be a model id of at most 200 characters without spaces" }),
        );
      }
    }
  });

  it("lists only Auto for an OpenAI-compatible server without MODEL_ID, and its MODEL_ID when set", () => {
    expect(new ModelCatalog("openai-compatible").list().map((model) => model.id)).toEqual(["ml-auto"]);
    expect(new ModelCatalog("openai-compatible").resolve(undefined)).toBe(AUTO_MODEL_ID);
    const local = new ModelCatalog("openai-compatible", "llama3.1");
    expect(local.list()).toEqual([
      { id: "ml-auto", name: "Auto", task: "Automatic model selection", requiresPaid: false },
      { id: "llama3.1", name: "llama3.1", task: "Text generation", requiresPaid: false },
    ]);
  });
});
