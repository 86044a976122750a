/** Builds the ModelProvider for one provider account: which API, which key, which endpoint. */
import type { ModelProvider } from "../model-provider";
import type { AiSdk } from "./ai-sdk";
import { AiSdkProvider } from "./ai-sdk-provider";
import type { ProviderKind } from "./provider-kind";

export interface ProviderModelOptions {
  provider: ProviderKind;
  /** May be empty for a local OpenAI-compatible server that needs none. */
  apiKey: string;
  /** The API root including its version, e.g. "http://localhost:11434/v1"; required for openai-compatible. */
  baseURL?: string;
  /** The default model id; a request may name another. */
  model: string;
  /**
   * "oauth": `apiKey` is an OAuth access token. Anthropic takes it as a Bearer token with its
   * OAuth beta flag rather than as x-api-key; the other APIs send every key as a Bearer token.
   */
  authMethod?: "api_key" | "oauth";
}

/** The beta flag Anthropic's API requires with an OAuth access token. */
export const ANTHROPIC_OAUTH_BETA = "oauth-2025-04-20";

export const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";

export function createProviderModel(options: ProviderModelOptions): ModelProvider {
  if (options.provider === "openai-compatible" && !options.baseURL) {
    throw new Error("an openai-compatible provider needs a baseURL");
  }
  return new AiSdkProvider({
    kind: options.provider,
    defaultModel: options.model,
    languageModel: (sdk, modelId) => languageModel(sdk, options, modelId),
  });
}

function languageModel(sdk: AiSdk, options: ProviderModelOptions, modelId: string) {
  const { apiKey, baseURL } = options;
  switch (options.provider) {
    case "anthropic":
      if (options.authMethod === "oauth") {
        return sdk.anthropic.createAnthropic({ authToken: apiKey, baseURL, headers: { "anthropic-beta": ANTHROPIC_OAUTH_BETA } })(modelId);
      }
      return sdk.anthropic.createAnthropic({ apiKey, baseURL })(modelId);
    case "openai":
      // Chat completions rather than the Responses API: the one format every compatible server speaks.
      return sdk.openai.createOpenAI({ apiKey, baseURL }).chat(modelId);
    case "gemini":
      return sdk.google.createGoogleGenerativeAI({ apiKey, baseURL })(modelId);
    case "openrouter":
    case "openai-compatible":
      return sdk.openaiCompatible
        .createOpenAICompatible({
          name: options.provider,
          apiKey: apiKey || undefined,
          baseURL: baseURL ?? OPENROUTER_BASE_URL,
          // Usage arrives only when asked for (stream_options.include_usage).
          includeUsage: true,
        })
        .chatModel(modelId);
  }
}
