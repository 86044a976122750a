/**
 * The models a deployment can run, listed by `GET /api/ai/models` and checked by `POST /api/chat`.
 * Each provider names its models here; "ml-auto" lets the deployment choose.
 */
import type { Config } from "../config/config";
import type { ModelInfo } from "../contracts";
import { validationError } from "../errors/app-error";

export const AUTO_MODEL_ID = "ml-auto";

const AUTO_MODEL: ModelInfo = { id: AUTO_MODEL_ID, name: "Auto", task: "Automatic model selection", requiresPaid: false };

/**
 * Models per provider, the provider's default first (the one Auto resolves to). Keyed by the
 * MODEL_PROVIDER values, so a new provider does not compile until it lists its models.
 */
const paid = (ids: string[]): ModelInfo[] => ids.map((id) => ({ id, name: id, task: "Text generation", requiresPaid: true }));

const PROVIDER_MODELS: Record<Config["MODEL_PROVIDER"], readonly ModelInfo[]> = {
  scripted: [{ id: "scripted-1", name: "Scripted", task: "Text generation", requiresPaid: false }],
  // Defaults first; GET /api/preferences/providers lists each provider's full set.
  anthropic: paid(["claude-sonnet-4-5", "claude-haiku-4-5", "claude-opus-4-1"]),
  openai: paid(["gpt-5", "gpt-5-mini", "gpt-4.1"]),
  gemini: paid(["gemini-2.5-pro", "gemini-2.5-flash"]),
  openrouter: paid(["anthropic/claude-sonnet-4.5", "openai/gpt-5"]),
  // Whatever the local server serves; MODEL_ID names it.
  "openai-compatible": [{ id: "local", name: "Local model", task: "Text generation", requiresPaid: false }],
};

export class ModelCatalog {
  private readonly models: readonly ModelInfo[];

  constructor(provider: Config["MODEL_PROVIDER"]) {
    this.models = PROVIDER_MODELS[provider];
  }

  /** Auto first, then every model of the configured provider. */
  list(): ModelInfo[] {
    return [AUTO_MODEL, ...this.models].map((model) => ({ ...model }));
  }

  /** The concrete model id for a requested one (omitted or Auto: the default); 400 naming the valid ids otherwise. */
  resolve(requested: string | undefined): string {
    if (requested === undefined || requested === AUTO_MODEL_ID) return this.models[0]!.id;
    if (this.models.some((model) => model.id === requested)) return requested;
    const valid = this.list().map((model) => model.id);
    throw validationError(`model '${requested}' is not available; use one of: ${valid.join(", ")}`);
  }
}
