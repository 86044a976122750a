/**
 * What a workspace's plan lets through, asked before anything is written: a model outside the
 * plan is refused (403 model_not_in_plan) where it is chosen (session create, a chat's model,
 * preferences) and where a message would run it, and a message is refused at zero credits (402
 * credits_exhausted). The send path asks once for every sender (the API, MCP, callbacks); the
 * run asks again at its start (the model selector) and before every model call (the agent loop).
 */
import type { PrismaClient, WorkspacePreferences } from "@mix/db";
import type { Config } from "../config/config";
import { forbidden } from "../errors/app-error";
import type { ModelFilter } from "../models/catalog/model-catalog";
import { providerCatalog } from "../models/catalog/provider-catalog";
import {
  ModelUnavailableError,
  wantedModel,
  type AgentRole,
  type ModelPreferences,
  type SessionModelChoice,
  type WantedModel,
} from "../models/selection/wanted-model";
import { DEFAULT_PLAN, type Plan, type PlanCatalog } from "../plans/plan-catalog";
import type { WorkspacePlans } from "../plans/workspace-plans";
import type { CreditsService } from "./credits.service";

export interface PlanGateDeps {
  prisma: PrismaClient;
  plans: PlanCatalog;
  /** Each workspace's plan, remembered for seconds: the check before every message asks no query of a plan that limits nothing. */
  workspacePlans: Pick<WorkspacePlans, "get">;
  credits: Pick<CreditsService, "assertCanSpend">;
  config: Pick<Config, "MODEL_PROVIDER" | "MODEL_ID">;
}

const NO_MODEL: SessionModelChoice = { modelProvider: null, modelId: null };

export class PlanGate {
  constructor(private readonly deps: PlanGateDeps) {}

  /** The workspace's plan (the default one for an unknown workspace or a plan name the table lost). */
  planOf(workspaceId: string): Promise<Plan> {
    return this.deps.workspacePlans.get(workspaceId);
  }

  /** Whether the plan includes a model: GET /api/ai/models marks the others requiresPaid. */
  modelFilter(plan: Plan): ModelFilter {
    return (provider, modelId) => this.deps.plans.allowsModel(plan, provider, modelId);
  }

  /** 403 model_not_in_plan when the plan lacks the model. */
  assertModel(plan: Plan, model: Pick<WantedModel, "providerName" | "modelId">, chosenBy: string): void {
    if (this.deps.plans.allowsModel(plan, model.providerName, model.modelId)) return;
    throw forbidden(
      `The model '${model.modelId}' of ${providerCatalog.displayName(model.providerName)}, chosen by ${chosenBy}, is not in this workspace's plan ` +
        `'${plan.name}': use a model GET /api/ai/models lists with requiresPaid false, or ask an admin to change the plan`,
      "model_not_in_plan",
    );
  }

  /** A session created with a model (or a provider, whose default it runs): the plan must include it. */
  async checkSessionModel(workspaceId: string, model: SessionModelChoice): Promise<void> {
    if (model.modelProvider === null && model.modelId === null) return;
    const plan = await this.planOf(workspaceId);
    this.assertWanted(plan, model, null, "main");
  }

  /** Preferences about to be stored: the models they choose for the agent and its subagents must be in the plan. */
  async checkPreferences(workspaceId: string, preferences: ModelPreferences): Promise<void> {
    const plan = await this.planOf(workspaceId);
    for (const role of ["main", "subagent"] as const) this.assertWanted(plan, NO_MODEL, preferences, role);
  }

  /**
   * Before a user message is stored in a session: the model its run would call must be in the
   * plan (403), and a metered workspace must have credits left (402). Nothing is checked for a
   * session not in the workspace: storing the message answers 404.
   */
  async checkSend(workspaceId: string, sessionId: string): Promise<void> {
    // The hot path: a plan with every model and no credits (the default one) has nothing to check.
    // The remembered plan may be seconds old; it only ever lets a message through that the
    // worker then checks against the fresh plan, and a restricted one is read fresh below.
    const cached = await this.planOf(workspaceId);
    if (cached.models === "*" && !this.deps.plans.isMetered(cached)) return;
    const session = await this.deps.prisma.session.findFirst({
      where: { id: sessionId, workspaceId },
      select: { modelProvider: true, modelId: true, workspace: { select: { plan: true, preferences: true } } },
    });
    if (!session) return;
    const plan = this.deps.plans.get(session.workspace.plan);
    this.assertWanted(plan, session, session.workspace.preferences, "main");
    if (this.deps.plans.isMetered(plan)) await this.deps.credits.assertCanSpend(workspaceId);
  }

  /**
   * A chat message, before its conversation is created or given the model: `chosen` (the
   * request's model) must be in the plan, and so must the one a new conversation would run
   * without one; credits as for any message.
   */
  async checkChat(workspaceId: string, chosen: { provider: WantedModel["providerName"]; modelId: string } | null, newConversation: boolean): Promise<void> {
    const workspace = await this.deps.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { plan: true, preferences: true } });
    const plan = this.deps.plans.get(workspace?.plan ?? DEFAULT_PLAN);
    if (chosen) this.assertModel(plan, { providerName: chosen.provider, modelId: chosen.modelId }, "the request's model");
    else if (newConversation) this.assertWanted(plan, NO_MODEL, workspace?.preferences ?? null, "main");
    if (this.deps.plans.isMetered(plan)) await this.deps.credits.assertCanSpend(workspaceId);
  }

  private assertWanted(plan: Plan, session: SessionModelChoice, preferences: WorkspacePreferences | ModelPreferences | null, role: AgentRole): void {
    if (plan.models === "*") return;
    let wanted: WantedModel;
    try {
      wanted = wantedModel(this.deps.config, session, role, preferences);
    } catch (error) {
      // A model that cannot be called at all is not the plan's to refuse: the run reports it, saying how to fix it.
      if (error instanceof ModelUnavailableError) return;
      throw error;
    }
    this.assertModel(plan, wanted, wanted.source);
  }
}
