import { DEFAULT_PREFERENCES, defaultPreferences } from "./preferences.service";

const limits = { mainAgentMaxTokens: 32_000, subAgentMaxTokens: 16_000, mainAgentReasoningEffort: "medium", subAgentReasoningEffort: "low" };

describe("defaultPreferences", () => {
  it("follow MODEL_PROVIDER: the scripted model on the local stack", () => {
    expect(defaultPreferences({ MODEL_PROVIDER: "scripted", MODEL_ID: undefined })).toEqual({
      preferredProvider: "scripted",
      mainAgentModel: "scripted-1",
      subAgentModel: "scripted-1",
      ...limits,
    });
  });

  it("give subagents the provider's smaller model, unless MODEL_ID names the deployment's model", () => {
    expect(defaultPreferences({ MODEL_PROVIDER: "anthropic", MODEL_ID: undefined })).toMatchObject({
      mainAgentModel: "claude-sonnet-4-5",
      subAgentModel: "claude-haiku-4-5",
    });
    expect(defaultPreferences({ MODEL_PROVIDER: "openai", MODEL_ID: "gpt-4.1" })).toMatchObject({
      preferredProvider: "openai",
      mainAgentModel: "gpt-4.1",
      subAgentModel: "gpt-4.1",
    });
    expect(defaultPreferences({ MODEL_PROVIDER: "openai-compatible", MODEL_ID: "llama3.1:8b" })).toMatchObject({
      mainAgentModel: "llama3.1:8b",
      subAgentModel: "llama3.1:8b",
    });
  });

  it("keep DEFAULT_PREFERENCES as the Anthropic deployment's", () => {
    expect(DEFAULT_PREFERENCES).toEqual({ preferredProvider: "anthropic", mainAgentModel: "claude-sonnet-4-5", subAgentModel: "claude-haiku-4-5", ...limits });
  });
});
