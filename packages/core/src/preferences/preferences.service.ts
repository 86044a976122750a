/** A workspace's model preferences: read (null until first set), partial update, reset to defaults. */
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import type { AvailableProviders, GetPreferencesResponse, PreferencesData, ReasoningEffort, UpdatePreferencesRequest } from "../contracts";
import { validationError } from "../errors/app-error";
import type { PlanGate } from "../credits/plan-gate";
import { providerCatalog } from "../models/catalog/provider-catalog";

type Settings = Omit<WorkspacePreferences, "id" | "workspaceId" | "createdAt" | "updatedAt">;

export const DEFAULT_PREFERENCES: Settings = {
  preferredProvider: "anthropic",
  mainAgentModel: "claude-sonnet-4-5",
  subAgentModel: "claude-haiku-4-5",
  mainAgentMaxTokens: 32_000,
  subAgentMaxTokens: 16_000,
  mainAgentReasoningEffort: "medium",
  subAgentReasoningEffort: "low",
};

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
  ) {}

  async get(workspaceId: string): Promise<GetPreferencesResponse> {
    const row = await this.prisma.workspacePreferences.findUnique({ where: { workspaceId } });
    return { preferences: row ? toPreferencesData(row) : null, available_providers: providerCatalog.available() };
  }

  /** The settings in effect: the stored ones, or the defaults when none are stored. */
  async effective(workspaceId: string): Promise<Settings> {
    const row = await this.prisma.workspacePreferences.findUnique({ where: { workspaceId } });
    return row ?? DEFAULT_PREFERENCES;
  }

  /** Changes only the named settings; the first update stores the defaults for the others. */
  async update(workspaceId: string, request: UpdatePreferencesRequest): Promise<PreferencesData> {
    const settings = toSettings(request);
    if (this.gate) await this.gate.checkPreferences(workspaceId, { ...(await this.effective(workspaceId)), ...settings });
    const row = await this.prisma.workspacePreferences.upsert({
      where: { workspaceId },
      create: { ...DEFAULT_PREFERENCES, ...settings, workspaceId },
      update: settings,
    });
    return toPreferencesData(row);
  }

  async reset(workspaceId: string): Promise<PreferencesData> {
    await this.gate?.checkPreferences(workspaceId, DEFAULT_PREFERENCES);
    const row = await this.prisma.workspacePreferences.upsert({
      where: { workspaceId },
      create: { ...DEFAULT_PREFERENCES, workspaceId },
      update: DEFAULT_PREFERENCES,
    });
    return toPreferencesData(row);
  }

  providers(): AvailableProviders {
    return providerCatalog.available();
  }
}
