/**
 * The providers a workspace can choose or store credentials for: display names, the
 * deployment-wide env key of each, and each model provider's current model ids.
 */
import type { Config } from "../config/config";
import type { AvailableProviders, CredentialProvider } from "../contracts";
import { AUTO_MODEL_ID, ModelCatalog } from "../models/model-catalog";

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

/** The offline model this deployment always has; it needs no credentials. */
export const SCRIPTED_PROVIDER = "scripted";
const scripted: ProviderInfo = {
  displayName: "Scripted (offline)",
  models: new ModelCatalog("scripted")
    .list()
    .filter((model) => model.id !== AUTO_MODEL_ID)
    .map((model) => model.id),
};

/** Providers that run models (the tool provider brave is left out), keyed by name. */
const MODEL_PROVIDERS: Record<string, ProviderInfo> = {
  ...Object.fromEntries(Object.entries(CREDENTIAL_PROVIDER_INFO).filter(([, info]) => info.models.length > 0)),
  [SCRIPTED_PROVIDER]: scripted,
};

export const providerCatalog = {
  /** `available_providers` of the contract: model providers with their display name and models. */
  available(): AvailableProviders {
    return Object.fromEntries(
      Object.entries(MODEL_PROVIDERS).map(([name, info]) => [name, { display_name: info.displayName, models: [...info.models] }]),
    );
  },

  modelProviderNames(): string[] {
    return Object.keys(MODEL_PROVIDERS);
  },

  isModelProvider(name: string): boolean {
    return Object.hasOwn(MODEL_PROVIDERS, name);
  },

  /** The model provider that lists `model`, or undefined. */
  providerOfModel(model: string): string | undefined {
    return Object.entries(MODEL_PROVIDERS).find(([, info]) => info.models.includes(model))?.[0];
  },

  displayName(name: string): string {
    return (CREDENTIAL_PROVIDER_INFO as Record<string, ProviderInfo>)[name]?.displayName ?? MODEL_PROVIDERS[name]?.displayName ?? name;
  },
};
