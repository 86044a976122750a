/**
 * The model a session is created with (`provider` and `modelId` on create), checked against the
 * provider catalog. Either may be left out: a provider alone runs its default model, a model id
 * alone names its provider through the catalog, neither leaves the choice to the workspace's
 * preferences and then the configuration at run time.
 */
import { validationError } from "../../errors/app-error";
import { MAX_MODEL_ID_LENGTH } from "../../contracts";
import { providerCatalog, type ModelProviderName } from "./provider-catalog";

export interface SessionModel {
  modelProvider: ModelProviderName | null;
  modelId: string | null;
}

export function parseSessionModel(provider: string | undefined, modelId: string | undefined): SessionModel {
  if (provider === undefined) {
    if (modelId === undefined) return { modelProvider: null, modelId: null };
    const owner = providerCatalog.providerOfModel(modelId);
    if (!owner) {
      throw validationError(`modelId '${modelId}' is not a known model; name its provider too, or use a model listed by GET /api/preferences/providers`);
    }
    return { modelProvider: owner, modelId };
  }
  if (!providerCatalog.isModelProvider(provider)) {
    throw validationError(`provider '${provider}' is not available; use one of: ${providerCatalog.modelProviderNames().join(", ")}`);
  }
  if (modelId === undefined || providerCatalog.acceptsModel(provider, modelId)) return { modelProvider: provider, modelId: modelId ?? null };
  if (providerCatalog.acceptsAnyModel(provider)) {
    throw validationError(`modelId must be at most ${MAX_MODEL_ID_LENGTH} characters without spaces`);
  }
  throw validationError(`modelId '${modelId}' is not a model of ${provider}; use one of: ${providerCatalog.models(provider).join(", ")}`);
}
