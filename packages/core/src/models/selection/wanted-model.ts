/**
 * Which model a run of a session would call, before any provider is built: the first that names
 * one wins, the session (`provider` / `modelId` on create, or the model a chat picked), then the
 * workspace's stored preferences (the row, not the defaults a workspace without one is shown),
 * then the configuration (MODEL_PROVIDER, MODEL_ID). The model selector builds its provider; the
 * plan checks ask the same question before a message is stored.
 */
import type { WorkspacePreferences } from "@mix/db";
import type { Config } from "../../config/config";
import { providerCatalog, type ModelProviderName } from "../catalog/provider-catalog";

export type AgentRole = "main" | "subagent";

/** No model can be called as chosen: the message says which provider and how to fix it. */
export class ModelUnavailableError extends Error {
  override name = "ModelUnavailableError";
}

export interface WantedModel {
  providerName: ModelProviderName;
  modelId: string;
  maxOutputTokens?: number;
  /** Named in errors, so the user knows which setting to change. */
  source: string;
}

export interface SessionModelChoice {
  modelProvider: string | null;
  modelId: string | null;
}

/** The preferences a choice reads (a stored row, or settings about to be stored). */
export type ModelPreferences = Pick<
  WorkspacePreferences,
  "preferredProvider" | "mainAgentModel" | "subAgentModel" | "mainAgentMaxTokens" | "subAgentMaxTokens"
>;

type ModelConfig = Pick<Config, "MODEL_PROVIDER" | "MODEL_ID">;

export function wantedModel(config: ModelConfig, session: SessionModelChoice, role: AgentRole, preferences: ModelPreferences | null): WantedModel {
  // Max tokens are a workspace setting: they apply whichever model is chosen.
  const maxOutputTokens = preferences ? (role === "main" ? preferences.mainAgentMaxTokens : preferences.subAgentMaxTokens) : undefined;

  if (session.modelProvider !== null || session.modelId !== null) {
    const source = "the session";
    const providerName = session.modelProvider ?? providerCatalog.providerOfModel(session.modelId!);
    if (!providerName || !providerCatalog.isModelProvider(providerName)) {
      throw new ModelUnavailableError(
        `The session's model provider '${session.modelProvider ?? session.modelId}' is not available; use one of: ${providerCatalog.modelProviderNames().join(", ")}`,
      );
    }
    return { providerName, modelId: session.modelId ?? defaultModel(config, providerName, source), maxOutputTokens, source };
  }

  if (preferences) {
    const source = "the workspace's preferences (POST /api/preferences)";
    const providerName = preferences.preferredProvider;
    if (!providerCatalog.isModelProvider(providerName)) {
      throw new ModelUnavailableError(
        `preferred_provider '${providerName}' of ${source} is not available; use one of: ${providerCatalog.modelProviderNames().join(", ")}`,
      );
    }
    const model = role === "main" ? preferences.mainAgentModel : preferences.subAgentModel;
    // A model of another provider (the defaults fill the models when only the provider was
    // set) would be refused by this one: its default runs instead.
    const modelId = fitsProvider(providerName, model) ? model : defaultModel(config, providerName, source);
    return { providerName, modelId, maxOutputTokens, source };
  }

  const source = "the server's configuration (MODEL_PROVIDER)";
  const providerName = config.MODEL_PROVIDER;
  return { providerName, modelId: config.MODEL_ID ?? defaultModel(config, providerName, source), source };
}

/** MODEL_ID when it configures this very provider, else the catalog's default for it. */
function defaultModel(config: ModelConfig, providerName: ModelProviderName, source: string): string {
  const model = (config.MODEL_PROVIDER === providerName ? config.MODEL_ID : undefined) ?? providerCatalog.defaultModel(providerName);
  if (model === undefined) {
    throw new ModelUnavailableError(
      `${providerCatalog.displayName(providerName)} was chosen by ${source} without a model id, and it has no default: ` +
        `create the session with a modelId, or set MODEL_PROVIDER=${providerName} with MODEL_ID on the server`,
    );
  }
  return model;
}

/** The provider lists the model, or runs any id and no other provider claims this one. */
function fitsProvider(providerName: ModelProviderName, model: string): boolean {
  if (providerCatalog.models(providerName).includes(model)) return true;
  return providerCatalog.acceptsModel(providerName, model) && providerCatalog.providerOfModel(model) === undefined;
}
