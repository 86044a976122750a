/**
 * Chooses the model a run calls (wanted-model.ts: the session, then the workspace's stored
 * preferences, then the configuration), checks it against the workspace's plan, and builds its
 * provider with the workspace's credentials.
 */
import { createHash } from "node:crypto";
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import type { Config } from "../../config/config";
import type { CredentialProvider } from "../../contracts";
import { DEFAULT_PLAN, type Plan, type PlanCatalog } from "../../plans/plan-catalog";
import { CREDENTIAL_PROVIDER_INFO, providerCatalog, SCRIPTED_PROVIDER, type ModelProviderName } from "../catalog/provider-catalog";
import type { ModelProvider } from "../model-provider";
import { createProviderModel } from "../providers/create-provider-model";
import type { ProviderKind } from "../providers/provider-kind";
import { ModelUnavailableError, wantedModel, type AgentRole, type WantedModel } from "./wanted-model";

export { ModelUnavailableError, type AgentRole } from "./wanted-model";

export interface ModelChoice {
  /** Send `modelId` as the request's model: a cached provider's defaultModel may be another. */
  provider: ModelProvider;
  providerName: ModelProviderName;
  modelId: string;
  /** The workspace's max tokens for the role, when it stored preferences. */
  maxOutputTokens?: number;
}

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
  /** The plan table: a model outside the workspace's plan is not called. Absent: no plan is checked. */
  /** The plan table; absent, no plan is checked. */
  plans?: PlanCatalog;
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

/** Provider instances kept for reuse; a rotated key or refreshed token adds one, so the oldest go. */
const MAX_CACHED_PROVIDERS = 64;

export class ModelSelector {
  private readonly cache = new Map<string, ModelProvider>();

  constructor(private readonly deps: ModelSelectorDeps) {}

  /**
   * `preferences`: the workspace's stored row (null: none), and `planName`: its plan column, when
   * the caller already loaded them with its run (read at the run's start, so as fresh as a read
   * here), which saves round trips before the first token; read here when omitted.
   */
  async select(args: {
    workspaceId: string;
    session: { modelProvider: string | null; modelId: string | null };
    role: AgentRole;
    preferences?: WorkspacePreferences | null;
    planName?: string | null;
  }): Promise<ModelChoice> {
    // Overlapped: both are on the way to the run's first token.
    const [preferences, plan] = await Promise.all([
      args.preferences !== undefined ? args.preferences : this.deps.prisma.workspacePreferences.findUnique({ where: { workspaceId: args.workspaceId } }),
      this.planOf(args.workspaceId, args.planName),
    ]);
    const wanted = wantedModel(this.deps.config, args.session, args.role, preferences);
    if (plan) this.checkPlan(plan, wanted);
    const provider = await this.providerFor(args.workspaceId, wanted);
    return {
      provider,
      providerName: wanted.providerName,
      modelId: wanted.modelId,
      ...(wanted.maxOutputTokens !== undefined ? { maxOutputTokens: wanted.maxOutputTokens } : {}),
    };
  }

  private async planOf(workspaceId: string, loaded: string | null | undefined): Promise<Plan | null> {
    // Read fresh, not from the per-process plan memory: a plan changed a moment ago (to let a
    // model back in, say) must hold for the very next run, on every worker.
    const { plans, prisma } = this.deps;
    if (!plans) return null;
    const name = loaded !== undefined ? loaded : (await prisma.workspace.findUnique({ where: { id: workspaceId }, select: { plan: true } }))?.plan;
    return plans.get(name ?? DEFAULT_PLAN);
  }

  /** A run whose model left the workspace's plan (or never was in it) fails, saying so. */
  private checkPlan(plan: Plan, wanted: WantedModel): void {
    if (this.deps.plans!.allowsModel(plan, wanted.providerName, wanted.modelId)) return;
    throw new ModelUnavailableError(
      `The model '${wanted.modelId}' of ${providerCatalog.displayName(wanted.providerName)}, chosen by ${wanted.source}, is not in this ` +
        `workspace's plan '${plan.name}' (model_not_in_plan): choose a model GET /api/ai/models lists without requiresPaid, or change the plan`,
    );
  }

  private async providerFor(workspaceId: string, wanted: WantedModel): Promise<ModelProvider> {
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
