/**
 * The models of the deployment's provider (MODEL_PROVIDER), listed by `GET /api/ai/models` and
 * checked by `POST /api/chat`; "ml-auto" lets the deployment choose. Derived from the provider
 * catalog, so the list, preferences and session creation agree on every provider.
 */
import { MAX_MODEL_ID_LENGTH, type ModelInfo } from "../../contracts";
import { validationError } from "../../errors/app-error";
import { providerCatalog, type ModelProviderName } from "./provider-catalog";

export const AUTO_MODEL_ID = "ml-auto";

const AUTO_MODEL: ModelInfo = { id: AUTO_MODEL_ID, name: "Auto", task: "Automatic model selection", requiresPaid: false };

/** Whether a workspace's plan includes a model. */
export type ModelFilter = (provider: ModelProviderName, modelId: string) => boolean;

/** A concrete model a request picked. */
export interface ChosenModel {
  provider: ModelProviderName;
  modelId: string;
}

export class ModelCatalog {
  private readonly models: readonly ModelInfo[];

  /**
   * `configuredModelId` (MODEL_ID) is the deployment's default: listed first even when the
   * provider's list lacks it, as the model selector runs it when nothing else is chosen.
   */
  constructor(
    readonly provider: ModelProviderName,
    configuredModelId?: string,
  ) {
    const listed = providerCatalog.models(provider);
    const ids = configuredModelId ? [configuredModelId, ...listed.filter((id) => id !== configuredModelId)] : listed;
    const requiresPaid = providerCatalog.isPaid(provider);
    this.models = ids.map((id) => ({ id, name: providerCatalog.modelName(provider, id), task: "Text generation", requiresPaid }));
  }

  /**
   * Auto first, then every model of the configured provider. With `allows` (a workspace's plan),
   * `requiresPaid` says which the plan lacks, Auto by the model it runs when nothing else is
   * chosen; without, which models cost money.
   */
  list(allows?: ModelFilter): ModelInfo[] {
    const models = [AUTO_MODEL, ...this.models].map((model) => ({ ...model }));
    if (!allows) return models;
    const fallback = this.models[0]?.id;
    return models.map((model) => {
      const modelId = model.id === AUTO_MODEL_ID ? fallback : model.id;
      return { ...model, requiresPaid: modelId !== undefined && !allows(this.provider, modelId) };
    });
  }

  /**
   * The concrete model id for a requested one (omitted or Auto: the default; Auto itself when the
   * provider has no default, which the run then reports); 400 naming the valid ids otherwise.
   */
  resolve(requested: string | undefined): string {
    return this.choose(requested)?.modelId ?? this.models[0]?.id ?? AUTO_MODEL_ID;
  }

  /** The model a request names, or null for Auto (the run's usual choice applies); 400 for a model this provider does not run. */
  choose(requested: string | undefined): ChosenModel | null {
    if (requested === undefined || requested === AUTO_MODEL_ID) return null;
    if (this.models.some((model) => model.id === requested) || providerCatalog.acceptsModel(this.provider, requested)) {
      return { provider: this.provider, modelId: requested };
    }
    if (providerCatalog.acceptsAnyModel(this.provider)) {
      throw validationError(`model must be a model id of at most ${MAX_MODEL_ID_LENGTH} characters without spaces`);
    }
    const valid = this.list().map((model) => model.id);
    throw validationError(`model '${requested}' is not available; use one of: ${valid.join(", ")}`);
  }
}
