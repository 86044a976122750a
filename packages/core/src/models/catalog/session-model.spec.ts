import { AppError } from "../../errors/app-error";
import { parseSessionModel } from "./session-model";

const refusal = (message: string | RegExp) =>
  expect.objectContaining({ status: 400, type: "validation_error", message: typeof message === "string" ? message : expect.stringMatching(message) });

describe("parseSessionModel", () => {
  it("leaves the choice open when neither is given", () => {
    expect(parseSessionModel(undefined, undefined)).toEqual({ modelProvider: null, modelId: null });
  });

  it("keeps a provider with one of its models, and a provider alone", () => {
    expect(parseSessionModel("anthropic", "claude-haiku-4-5")).toEqual({ modelProvider: "anthropic", modelId: "claude-haiku-4-5" });
    expect(parseSessionModel("gemini", undefined)).toEqual({ modelProvider: "gemini", modelId: null });
    expect(parseSessionModel("scripted", "scripted-1")).toEqual({ modelProvider: "scripted", modelId: "scripted-1" });
  });

  it("infers the provider of a listed model", () => {
    expect(parseSessionModel(undefined, "gpt-5-mini")).toEqual({ modelProvider: "openai", modelId: "gpt-5-mini" });
    expect(parseSessionModel(undefined, "openai/gpt-5")).toEqual({ modelProvider: "openrouter", modelId: "openai/gpt-5" });
  });

  it("accepts any model id for OpenRouter and an OpenAI-compatible server", () => {
    expect(parseSessionModel("openai-compatible", "llama3.1:8b")).toEqual({ modelProvider: "openai-compatible", modelId: "llama3.1:8b" });
    expect(parseSessionModel("openrouter", "mistralai/mistral-large")).toEqual({ modelProvider: "openrouter", modelId: "mistralai/mistral-large" });
  });

  it.each([
    [
      "an unknown provider",
      "acme",
      undefined,
      "provider 'acme' is not available; use one of: anthropic, openai, openrouter, gemini, scripted, openai-compatible",
    ],
    ["a tool provider", "brave", undefined, /provider 'brave' is not available/],
    ["another provider's model", "anthropic", "gpt-5", /^modelId 'gpt-5' is not a model of anthropic; use one of: claude-sonnet-4-5, /],
    [
      "an unknown model alone",
      undefined,
      "gpt-9",
      "modelId 'gpt-9' is not a known model; name its provider too, or use a model listed by GET /api/preferences/providers",
    ],
    ["a model id with spaces for an open provider", "openai-compatible", "llama 3", "modelId must be at most 200 characters without spaces"],
  ])("refuses %s with 400", (_what, provider, modelId, message) => {
    expect(() => parseSessionModel(provider, modelId)).toThrow(AppError);
    expect(() => parseSessionModel(provider, modelId)).toThrow(refusal(message));
  });
});
