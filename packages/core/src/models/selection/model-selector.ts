/**
 * Chooses the model a run calls, and builds its provider with the workspace's credentials.
 * The first that names a model wins: the session (`provider` / `modelId` on create, or the
 * model a chat picked), then the workspace's stored preferences (the row, not the defaults a
 * workspace without one is shown), then the configuration (MODEL_PROVIDER, MODEL_ID).
 */
import { createHash } from "node:crypto";
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import type { Config } from "../../config/config";
import type { CredentialProvider } from "../../contracts";
import { CREDENTIAL_PROVIDER_INFO, providerCatalog, SCRIPTED_PROVIDER, type ModelProviderName } from "../catalog/provider-catalog";
import type { ModelProvider } from "../model-provider";
import { createProviderModel } from "../providers/create-provider-model";
import type { ProviderKind } from "../providers/provider-kind";

export interface ModelChoice {
  /** Send `modelId` as the request's model: a cached provider's defaultModel may be another. */
  provider: ModelProvider;
  providerName: ModelProviderName;
  modelId: string;
  /** The workspace's max tokens for the role, when it stored preferences. */
  maxOutputTokens?: number;
}

export type AgentRole = "main" | "subagent";

/** The workspace's stored provider secrets (CredentialsService): a port, since credentials build on the model catalog. */
export interface ProviderSecrets {
  /** The stored API key or OAuth token of the provider, or null when the workspace has none. */
  resolve(workspaceId: string, provider: CredentialProvider): Promise<string | null>;
}

export interface ModelSelectorDeps {
  prisma: PrismaClient;
  config: Config;
  credentials: ProviderSecrets;
  /** The offline model (MODEL_PROVIDER=scripted, or a session that names it). */
  scripted: ModelProvider;
}

/** No model can be called as chosen: the message says which provider and how to fix it. */
export class ModelUnavailableError extends Error {
  override name = "ModelUnavailableError";
}

/** Where a model API lives and which stored credential pays for it. */
const ENDPOINTS: Record<ProviderKind, { baseUrl: keyof Config; credential: CredentialProvider | null }> = {
  anthropic: { baseUrl: "ANTHROPIC_BASE_URL", credential: "anthropic" },
  openai: { baseUrl: "OPENAI_BASE_URL", credential: "openai" },
  gemini: { baseUrl: "GEMINI_BASE_URL", credential: "gemini" },
  openrouter: { baseUrl: "OPENROUTER_BASE_URL", credential: "openrouter" },
  // A self-hosted server: its key (often none) is the deployment's, never a workspace's.
  "openai-compatible": { baseUrl: "OPENAI_COMPATIBLE_BASE_URL", credential: null },
};

interface Wanted {
  providerName: ModelProviderName;
  modelId: string;
  maxOutputTokens?: number;
  /** Named in errors, so the user knows which setting to change. */
  source: string;
}

/** Provider instances kept for reuse; a rotated key or refreshed token adds one, so the oldest go. */
const MAX_CACHED_PROVIDERS = 64;

export class ModelSelector {
  private readonly cache = new Map<string, ModelProvider>();

  constructor(private readonly deps: ModelSelectorDeps) {}

  /**
   * `preferences`: the workspace's stored row (null: none) when the caller already loaded it with
   * its run, which saves a round trip before the first token; read here when omitted.
   */
  async select(args: {
    workspaceId: string;
    session: { modelProvider: string | null; modelId: string | null };
    role: AgentRole;
    preferences?: WorkspacePreferences | null;
  }): Promise<ModelChoice> {
    const preferences =
      args.preferences !== undefined ? args.preferences : await this.deps.prisma.workspacePreferences.findUnique({ where: { workspaceId: args.workspaceId } });
    const wanted = this.wanted(args.session, args.role, preferences);
    const provider = await this.providerFor(args.workspaceId, wanted);
    return {
      provider,
      providerName: wanted.providerName,
      modelId: wanted.modelId,
      ...(wanted.maxOutputTokens !== undefined ? { maxOutputTokens: wanted.maxOutputTokens } : {}),
    };
  }

  private wanted(session: { modelProvider: string | null; modelId: string | null }, role: AgentRole, preferences: WorkspacePreferences | null): Wanted {
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
      return { providerName, modelId: session.modelId ?? this.defaultModel(providerName, source), maxOutputTokens, source };
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
      const modelId = fitsProvider(providerName, model) ? model : this.defaultModel(providerName, source);
      return { providerName, modelId, maxOutputTokens, source };
    }

    const source = "the server's configuration (MODEL_PROVIDER)";
    const providerName = this.deps.config.MODEL_PROVIDER;
    return { providerName, modelId: this.deps.config.MODEL_ID ?? this.defaultModel(providerName, source), source };
  }

  /** MODEL_ID when it configures this very provider, else the catalog's default for it. */
  private defaultModel(providerName: ModelProviderName, source: string): string {
    const { MODEL_PROVIDER, MODEL_ID } = this.deps.config;
    const model = (MODEL_PROVIDER === providerName ? MODEL_ID : undefined) ?? providerCatalog.defaultModel(providerName);
    if (model === undefined) {
      throw new ModelUnavailableError(
        `${providerCatalog.displayName(providerName)} was chosen by ${source} without a model id, and it has no default: ` +
          `create the session with a modelId, or set MODEL_PROVIDER=${providerName} with MODEL_ID on the server`,
      );
    }
    return model;
  }

  private async providerFor(workspaceId: string, wanted: Wanted): Promise<ModelProvider> {
    if (wanted.providerName === SCRIPTED_PROVIDER) return this.deps.scripted;
    const kind: ProviderKind = wanted.providerName;
    const endpoint = ENDPOINTS[kind];
    const baseURL = this.deps.config[endpoint.baseUrl] as string | undefined;
    const name = providerCatalog.displayName(kind);

    let apiKey: string;
    let authMethod: "api_key" | "oauth" = "api_key";
    if (endpoint.credential === null) {
      if (!baseURL) {
        throw new ModelUnavailableError(
          `${name} was chosen by ${wanted.source}, but OPENAI_COMPATIBLE_BASE_URL is not set: point it at the server's API root, e.g. http://localhost:11434/v1`,
        );
      }
      apiKey = this.deps.config.OPENAI_COMPATIBLE_API_KEY ?? "";
    } else {
      const credential = await this.credential(workspaceId, endpoint.credential, wanted.source);
      apiKey = credential.secret;
      authMethod = credential.authMethod;
    }

    const cacheKey = createHash("sha256")
      .update(JSON.stringify([kind, authMethod, apiKey, baseURL ?? ""]))
      .digest("hex");
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const provider = createProviderModel({ provider: kind, apiKey, baseURL, model: wanted.modelId, authMethod });
    if (this.cache.size >= MAX_CACHED_PROVIDERS) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(cacheKey, provider);
    return provider;
  }

  /** The workspace's stored key or OAuth token, else the server's env key. */
  private async credential(workspaceId: string, provider: CredentialProvider, source: string): Promise<{ secret: string; authMethod: "api_key" | "oauth" }> {
    const name = providerCatalog.displayName(provider);
    let secret: string | null;
    try {
      secret = await this.deps.credentials.resolve(workspaceId, provider);
    } catch (error) {
      throw new ModelUnavailableError(`The stored ${name} credential of this workspace cannot be used: ${(error as Error).message}`);
    }
    if (!secret) {
      const envKey = CREDENTIAL_PROVIDER_INFO[provider].envKey;
      throw new ModelUnavailableError(
        `${name} was chosen by ${source}, but there is no ${name} API key: store one for this workspace with ` +
          `POST /api/auth/api-key {"provider": "${provider}", "api_key": "..."}, or set ${envKey} on the server`,
      );
    }
    // An OAuth access token is sent differently from an API key (Anthropic: Bearer, not x-api-key).
    const stored = await this.deps.prisma.providerCredential.findUnique({
      where: { workspaceId_provider: { workspaceId, provider } },
      select: { authMethod: true },
    });
    return { secret, authMethod: stored?.authMethod === "oauth" ? "oauth" : "api_key" };
  }
}

/** The provider lists the model, or runs any id and no other provider claims this one. */
function fitsProvider(providerName: ModelProviderName, model: string): boolean {
  if (providerCatalog.models(providerName).includes(model)) return true;
  return providerCatalog.acceptsModel(providerName, model) && providerCatalog.providerOfModel(model) === undefined;
}
