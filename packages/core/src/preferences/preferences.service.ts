/** A workspace's model preferences: read (null until first set), partial update, reset to defaults. */
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import type { AvailableProviders, GetPreferencesResponse, PreferencesData, ReasoningEffort, UpdatePreferencesRequest } from "../contracts";
import { validationError } from "../errors/app-error";
import type { PlanGate } from "../credits/plan-gate";
import type { Config } from "../config/config";
import { providerCatalog, type ModelProviderName } from "../models/catalog/provider-catalog";

type Settings = Omit<WorkspacePreferences, "id" | "workspaceId" | "createdAt" | "updatedAt">;

/** The settings that are not a model: the same on every deployment. */
const DEFAULT_LIMITS = {
  mainAgentMaxTokens: 32_000,
  subAgentMaxTokens: 16_000,
  mainAgentReasoningEffort: "medium",
  subAgentReasoningEffort: "low",
} as const;

/** The smaller model subagents run when the deployment names no MODEL_ID; others run the main model. */
const SUB_AGENT_DEFAULTS: Partial<Record<ModelProviderName, string>> = {
  anthropic: "claude-haiku-4-5",
  openai: "gpt-5-mini",
  gemini: "gemini-2.5-flash",
};

/**
 * The deployment's defaults, what a reset stores and the first update fills in: the provider and
 * model of its configuration (MODEL_PROVIDER, MODEL_ID), so a stack on the scripted model resets
 * to the scripted model, not to a provider it has no key for.
 */
export function defaultPreferences(config: Pick<Config, "MODEL_PROVIDER" | "MODEL_ID">): Settings {
  const provider = config.MODEL_PROVIDER;
  // A provider without a model list (an OpenAI-compatible server) runs MODEL_ID; without one its runs fail anyway, naming MODEL_ID.
  const main = config.MODEL_ID ?? providerCatalog.defaultModel(provider) ?? "";
  const sub = config.MODEL_ID ?? SUB_AGENT_DEFAULTS[provider] ?? main;
  return { preferredProvider: provider, mainAgentModel: main, subAgentModel: sub, ...DEFAULT_LIMITS };
}

/**
 * The defaults of a deployment on Anthropic (the values before they followed the configuration):
 * used where no configuration is given, and by `effective` for a workspace without preferences.
 */
export const DEFAULT_PREFERENCES: Settings = defaultPreferences({ MODEL_PROVIDER: "anthropic", MODEL_ID: undefined });

const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

function toPreferencesData(row: WorkspacePreferences): PreferencesData {
  return {
    preferred_provider: row.preferredProvider,
    main_agent_model: row.mainAgentModel,
    sub_agent_model: row.subAgentModel,
    main_agent_max_tokens: row.mainAgentMaxTokens,
    sub_agent_max_tokens: row.subAgentMaxTokens,
    main_agent_reasoning_effort: row.mainAgentReasoningEffort as ReasoningEffort,
    sub_agent_reasoning_effort: row.subAgentReasoningEffort as ReasoningEffort,
    created_at: unixSeconds(row.createdAt),
    updated_at: unixSeconds(row.updatedAt),
  };
}

/** The settings an update names, checked against the provider catalog (400 naming what is valid). */
function toSettings(request: UpdatePreferencesRequest): Partial<Settings> {
  const provider = request.preferred_provider;
  if (provider !== undefined && !providerCatalog.isModelProvider(provider)) {
    throw validationError(`preferred_provider '${provider}' is not available; use one of: ${providerCatalog.modelProviderNames().join(", ")}`);
  }
  for (const field of ["main_agent_model", "sub_agent_model"] as const) {
    const model = request[field];
    if (model !== undefined && providerCatalog.providerOfModel(model) === undefined) {
      throw validationError(`${field} '${model}' is not a known model; GET /api/preferences/providers lists the models of each provider`);
    }
  }
  const settings: Partial<Settings> = {
    preferredProvider: provider,
    mainAgentModel: request.main_agent_model,
    subAgentModel: request.sub_agent_model,
    mainAgentMaxTokens: request.main_agent_max_tokens,
    subAgentMaxTokens: request.sub_agent_max_tokens,
    mainAgentReasoningEffort: request.main_agent_reasoning_effort,
    subAgentReasoningEffort: request.sub_agent_reasoning_effort,
  };
  return Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined));
}

export class PreferencesService {
  constructor(
    private readonly prisma: PrismaClient,
    /** The workspace's plan: preferences choosing a model outside it are refused (403). Absent: no plan is checked. */
    private readonly gate?: Pick<PlanGate, "checkPreferences">,
    /** What reset stores and the first update fills in: the deployment's defaults (defaultPreferences of its config). */
    private readonly defaults: Settings = DEFAULT_PREFERENCES,
  ) {}

  async get(workspaceId: string): Promise<GetPreferencesResponse> {
    const row = await this.prisma.workspacePreferences.findUnique({ where: { workspaceId } });
    return { preferences: row ? toPreferencesData(row) : null, available_providers: providerCatalog.available() };
  }

  /**
   * The settings in effect: the stored ones, or the deployment's defaults when none are stored
   * (what GET /api/auth/validate checks), since a run without stored preferences follows
   * MODEL_PROVIDER too: on a scripted stack that is the scripted model, not Anthropic.
   */
  async effective(workspaceId: string): Promise<Settings> {
    const row = await this.prisma.workspacePreferences.findUnique({ where: { workspaceId } });
    return row ?? this.defaults;
  }

  /** Changes only the named settings; the first update stores the defaults for the others. */
  async update(workspaceId: string, request: UpdatePreferencesRequest): Promise<PreferencesData> {
    const settings = toSettings(request);
    if (this.gate) {
      const stored = await this.prisma.workspacePreferences.findUnique({ where: { workspaceId } });
      await this.gate.checkPreferences(workspaceId, { ...(stored ?? this.defaults), ...settings });
    }
    const row = await this.prisma.workspacePreferences.upsert({
      where: { workspaceId },
      create: { ...this.defaults, ...settings, workspaceId },
      update: settings,
    });
    return toPreferencesData(row);
  }

  async reset(workspaceId: string): Promise<PreferencesData> {
    await this.gate?.checkPreferences(workspaceId, this.defaults);
    const row = await this.prisma.workspacePreferences.upsert({
      where: { workspaceId },
      create: { ...this.defaults, workspaceId },
      update: this.defaults,
    });
    return toPreferencesData(row);
  }

  providers(): AvailableProviders {
    return providerCatalog.available();
  }
}
