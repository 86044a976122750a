/**
 * The providers a workspace can choose or store credentials for: display names, the
 * deployment-wide env key of each, and each model provider's model ids. The one list of model
 * ids: the model catalog of GET /api/ai/models, preferences, session creation and the model
 * selector all read it, so they cannot disagree.
 */
import type { Config } from "../../config/config";
import { MAX_MODEL_ID_LENGTH, type AvailableProviders, type CredentialProvider } from "../../contracts";

/** Every provider that runs models: the values of MODEL_PROVIDER. */
export type ModelProviderName = Config["MODEL_PROVIDER"];

interface ProviderInfo {
  displayName: string;
  /** Model ids, the provider's default first; empty for a tool provider. */
  models: readonly string[];
}

interface CredentialProviderInfo extends ProviderInfo {
  /** The deployment-wide key used when a workspace stored none. */
  envKey: keyof Config;
  /** How this provider's keys start, checked before storing to catch a key pasted for the wrong provider. */
  keyPrefix?: string;
}

export const CREDENTIAL_PROVIDER_INFO: Record<CredentialProvider, CredentialProviderInfo> = {
  anthropic: {
    displayName: "Anthropic",
    envKey: "ANTHROPIC_API_KEY",
    keyPrefix: "sk-ant-",
    models: ["claude-sonnet-4-5", "claude-opus-4-1", "claude-haiku-4-5", "claude-sonnet-4-0", "claude-opus-4-0", "claude-3-7-sonnet-latest"],
  },
  openai: {
    displayName: "OpenAI",
    envKey: "OPENAI_API_KEY",
    keyPrefix: "sk-",
    models: ["gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-4.1", "gpt-4.1-mini", "o3", "o4-mini"],
  },
  openrouter: {
    displayName: "OpenRouter",
    envKey: "OPENROUTER_API_KEY",
    keyPrefix: "sk-or-",
    models: [
      "anthropic/claude-sonnet-4.5",
      "anthropic/claude-opus-4.1",
      "openai/gpt-5",
      "google/gemini-2.5-pro",
      "x-ai/grok-4",
      "deepseek/deepseek-chat-v3.1",
      "qwen/qwen3-coder",
    ],
  },
  gemini: {
    displayName: "Google Gemini",
    envKey: "GEMINI_API_KEY",
    models: ["gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.5-flash-lite"],
  },
  brave: { displayName: "Brave Search", envKey: "BRAVE_API_KEY", models: [] },
};

interface ModelProviderInfo extends ProviderInfo {
  /**
   * Any model id goes, not only the listed ones: a router and a local server serve models this
   * list cannot know (the provider answers for an id it does not serve).
   */
  openModelIds: boolean;
  /** Whether its calls cost money: the offline and the self-hosted provider do not. */
  paid: boolean;
  /** Display names where nicer than the id. */
  modelNames?: Readonly<Record<string, string>>;
}

/** The offline model this deployment always has; it needs no credentials. */
export const SCRIPTED_PROVIDER = "scripted";
export const SCRIPTED_MODEL_ID = "scripted-1";

const withCredentials = (provider: CredentialProvider, openModelIds = false): ModelProviderInfo => ({
  displayName: CREDENTIAL_PROVIDER_INFO[provider].displayName,
  models: CREDENTIAL_PROVIDER_INFO[provider].models,
  openModelIds,
  paid: true,
});

/**
 * Keyed by the MODEL_PROVIDER values, so a new provider does not compile until it is listed here.
 * The order is the order error messages name them in.
 */
const MODEL_PROVIDERS: Record<ModelProviderName, ModelProviderInfo> = {
  anthropic: withCredentials("anthropic"),
  openai: withCredentials("openai"),
  openrouter: withCredentials("openrouter", true),
  gemini: withCredentials("gemini"),
  [SCRIPTED_PROVIDER]: {
    displayName: "Scripted (offline)",
    models: [SCRIPTED_MODEL_ID],
    openModelIds: false,
    paid: false,
    modelNames: { [SCRIPTED_MODEL_ID]: "Scripted" },
  },
  // Whatever the server at OPENAI_COMPATIBLE_BASE_URL serves; MODEL_ID or the session names it.
  "openai-compatible": { displayName: "OpenAI-compatible server", models: [], openModelIds: true, paid: false },
};

const infoOf = (name: string): ModelProviderInfo | undefined => (Object.hasOwn(MODEL_PROVIDERS, name) ? MODEL_PROVIDERS[name as ModelProviderName] : undefined);

/** A model id as a provider that takes any id accepts it: non-empty, not too long, no whitespace. */
const isPlausibleModelId = (id: string) => id.length > 0 && id.length <= MAX_MODEL_ID_LENGTH && !/\s/.test(id);

export const providerCatalog = {
  /**
   * `available_providers` of the contract: model providers with their display name and models.
   * A provider with no model list (a local server) is left out: the map offers models to pick.
   */
  available(): AvailableProviders {
    return Object.fromEntries(
      Object.entries(MODEL_PROVIDERS)
        .filter(([, info]) => info.models.length > 0)
        .map(([name, info]) => [name, { display_name: info.displayName, models: [...info.models] }]),
    );
  },

  modelProviderNames(): ModelProviderName[] {
    return Object.keys(MODEL_PROVIDERS) as ModelProviderName[];
  },

  isModelProvider(name: string): name is ModelProviderName {
    return infoOf(name) !== undefined;
  },

  /** The model provider that lists `model`, or undefined (also for an id only an open provider would take). */
  providerOfModel(model: string): ModelProviderName | undefined {
    return this.modelProviderNames().find((name) => MODEL_PROVIDERS[name].models.includes(model));
  },

  /** Whether `provider` runs `model`: a listed id, or any plausible id for a provider with open model ids. */
  acceptsModel(provider: ModelProviderName, model: string): boolean {
    const info = MODEL_PROVIDERS[provider];
    return info.models.includes(model) || (info.openModelIds && isPlausibleModelId(model));
  },

  /** Whether any model id goes for `provider` (OpenRouter, an OpenAI-compatible server). */
  acceptsAnyModel(provider: ModelProviderName): boolean {
    return MODEL_PROVIDERS[provider].openModelIds;
  },

  /** The provider's listed models, its default first. */
  models(provider: ModelProviderName): readonly string[] {
    return MODEL_PROVIDERS[provider].models;
  },

  /** The listed default, or undefined for a provider without a list (its model comes from configuration). */
  defaultModel(provider: ModelProviderName): string | undefined {
    return MODEL_PROVIDERS[provider].models[0];
  },

  modelName(provider: ModelProviderName, model: string): string {
    return MODEL_PROVIDERS[provider].modelNames?.[model] ?? model;
  },

  isPaid(provider: ModelProviderName): boolean {
    return MODEL_PROVIDERS[provider].paid;
  },

  displayName(name: string): string {
    return (CREDENTIAL_PROVIDER_INFO as Record<string, ProviderInfo>)[name]?.displayName ?? infoOf(name)?.displayName ?? name;
  },
};
