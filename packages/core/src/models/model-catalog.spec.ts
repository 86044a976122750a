import { ScriptedProvider } from "../agent/scripted-provider";
import { AppError } from "../errors/app-error";
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
