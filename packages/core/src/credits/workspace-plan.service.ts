/**
 * The plan table as admins see it, a workspace's plan and the models it lists, and changing the
 * plan (audited). Moving to a plan with more monthly credits grants the difference at once, so
 * an upgrade is felt now and switching back and forth never grants a month twice: what the
 * month's grants already added counts against the new plan's monthly credits.
 */
import type { PrismaClient } from "@mix/db";
import type { Actor, AuditWriter } from "../audit/audit-entry";
import type { ModelInfo, PlanData, SetPlanResponse } from "../contracts";
import { notFound, validationError } from "../errors/app-error";
import type { ModelCatalog } from "../models/catalog/model-catalog";
import type { Plan, PlanCatalog } from "../plans/plan-catalog";
import type { WorkspacePlans } from "../plans/workspace-plans";
import type { CreditsService } from "./credits.service";
import { grantedIn } from "./credit-ledger";
import { creditPeriodOf, microsToUsd, usdToMicros } from "./credit-units";
import type { PlanGate } from "./plan-gate";

export interface WorkspacePlanServiceDeps {
  prisma: PrismaClient;
  plans: PlanCatalog;
  gate: PlanGate;
  credits: CreditsService;
  models: ModelCatalog;
  audit: AuditWriter;
  /** What this process remembers of plans (the rate limits' cache), forgotten for a workspace whose plan changed. */
  cache?: Pick<WorkspacePlans, "forget">;
}

export function toPlanData(plan: Plan): PlanData {
  return {
    name: plan.name,
    title: plan.title,
    models: plan.models === "*" ? "*" : [...plan.models],
    keyRequestsPerMinute: plan.keyRequestsPerMinute,
    workspaceRequestsPerMinute: plan.workspaceRequestsPerMinute,
    maxConcurrentRuns: plan.maxConcurrentRuns,
    maxSessions: plan.maxSessions,
    monthlyCredits: plan.monthlyCredits,
  };
}

export class WorkspacePlanService {
  constructor(private readonly deps: WorkspacePlanServiceDeps) {}

  /** Every plan of the table, and the one the workspace is on. */
  async list(workspaceId: string): Promise<{ plans: PlanData[]; current: string }> {
    const current = await this.deps.gate.planOf(workspaceId);
    return { plans: this.deps.plans.list().map(toPlanData), current: current.name };
  }

  /** GET /api/ai/models for the workspace: requiresPaid marks the models its plan lacks. */
  async models(workspaceId: string): Promise<ModelInfo[]> {
    const plan = await this.deps.gate.planOf(workspaceId);
    return this.deps.models.list(this.deps.gate.modelFilter(plan));
  }

  /** Puts the workspace on the plan (400 for a name the table lacks); the change, any grant and the audit entry commit together. */
  async change(workspaceId: string, name: string, actor: Actor): Promise<SetPlanResponse> {
    const { plans, prisma } = this.deps;
    if (!plans.has(name)) {
      const names = plans.list().map((known) => known.name);
      throw validationError(`plan '${name}' is not a plan; use one of: ${names.join(", ")}`);
    }
    const plan = plans.get(name);
    const metered = plans.isMetered(plan);
    // Before the row is locked: a grant of the old plan that is due is the month's first.
    await this.deps.credits.state(workspaceId);
    const period = creditPeriodOf(new Date());
    const previous = await prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ plan: string; creditPeriod: string | null }[]>`
        SELECT plan, "creditPeriod" FROM "Workspace" WHERE id = ${workspaceId} FOR UPDATE`;
      const row = rows[0];
      if (!row) throw notFound("Workspace");
      if (row.plan === name) return row.plan;
      const granted = row.creditPeriod === period ? await grantedIn(tx, workspaceId, period) : 0n;
      const extra = metered ? usdToMicros(plan.monthlyCredits!) - granted : 0n;
      const grant = extra > 0n ? extra : 0n;
      const [balance] = await tx.$queryRaw<{ creditMicros: bigint }[]>`
        UPDATE "Workspace" SET plan = ${name}, "creditMicros" = "creditMicros" + ${grant}, "creditPeriod" = ${metered ? period : row.creditPeriod}
        WHERE id = ${workspaceId} RETURNING "creditMicros"`;
      if (grant > 0n) {
        await tx.creditEntry.create({
          data: { workspaceId, kind: "grant", amountMicros: grant, balanceAfterMicros: balance!.creditMicros, note: `plan '${name}' for ${period}` },
        });
      }
      await this.deps.audit.record(
        {
          workspaceId,
          actor,
          action: "workspace.plan_changed",
          target: { type: "workspace", id: workspaceId },
          details: { from: row.plan, to: name, granted: microsToUsd(grant) },
        },
        tx,
      );
      return row.plan;
    });
    this.deps.cache?.forget(workspaceId);
    return { plan: toPlanData(plan), previous, credits: await this.deps.credits.summary(workspaceId) };
  }
}
