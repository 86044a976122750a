/**
 * A workspace's credits: the balance its model calls are paid from, on a plan with monthly
 * credits. The plan's grant is added lazily, by the first look at the balance in a new UTC
 * month, and unused credits roll over (grants and top-ups alike: the balance is one number, the
 * sum of its ledger). The balance is checked before every model call and before a message is
 * accepted; a call's cost is debited when its step is stored (credit-statements.ts), so the
 * last calls that were running when it reached zero may take it below zero by their own cost.
 */
import type { PrismaClient } from "@mix/db";
import type { Actor, AuditWriter } from "../audit/audit-entry";
import type { ChangeCreditsRequest, ChangeCreditsResponse, CreditsSummary, GetCreditsResponse } from "../contracts";
import { notFound, paymentRequired } from "../errors/app-error";
import type { Plan, PlanCatalog } from "../plans/plan-catalog";
import type { WorkspacePlans } from "../plans/workspace-plans";
import { grantedIn, readLedger, toCreditEntryData } from "./credit-ledger";
import { grantMonthly } from "./credit-statements";
import { creditPeriodOf, formatUsd, microsToUsd, nextPeriodStart, usdToMicros } from "./credit-units";

export interface CreditsServiceDeps {
  prisma: PrismaClient;
  plans: PlanCatalog;
  /** Each workspace's plan, remembered for seconds: the check before every model call asks no query on a plan without credits. */
  workspacePlans?: Pick<WorkspacePlans, "get">;
  audit: AuditWriter;
}

export interface CreditState {
  plan: Plan;
  /** Whether the plan pays model calls from the balance. */
  metered: boolean;
  balanceMicros: bigint;
  /** The month whose grant the balance holds. */
  period: string | null;
}

export class CreditsService {
  constructor(private readonly deps: CreditsServiceDeps) {}

  /** The workspace's plan and balance, this month's grant added first when it is due; 404 for an unknown workspace. */
  async state(workspaceId: string): Promise<CreditState> {
    const { plans, prisma } = this.deps;
    let workspace = await this.load(workspaceId);
    const plan = plans.get(workspace.plan);
    const metered = plans.isMetered(plan);
    const period = creditPeriodOf(new Date());
    if (metered && workspace.creditPeriod !== period) {
      await grantMonthly(prisma, { workspaceId, planName: workspace.plan, period, grantMicros: usdToMicros(plan.monthlyCredits!) });
      workspace = await this.load(workspaceId);
    }
    return { plan, metered, balanceMicros: workspace.creditMicros, period: workspace.creditPeriod };
  }

  /**
   * Why the workspace may not call a model now, or null when it may: its plan is metered and the
   * balance is zero or less. The agent loop asks before every model call; a plan without credits
   * is never refused.
   */
  async refusal(workspaceId: string): Promise<string | null> {
    // A plan without credits, as remembered for a few seconds: a switch to a metered plan starts
    // counting within WORKSPACE_PLAN_CACHE_TTL_MS; a metered plan is always read fresh.
    const cached = await this.deps.workspacePlans?.get(workspaceId);
    if (cached && !this.deps.plans.isMetered(cached)) return null;
    const state = await this.state(workspaceId);
    if (!state.metered || state.balanceMicros > 0n) return null;
    return (
      `The workspace's credits are used up (balance ${formatUsd(state.balanceMicros)} on plan '${state.plan.name}'): ` +
      `an admin can top up with POST /api/workspace/credits, or the plan's monthly credits are added on ${nextPeriodStart(new Date()).toISOString().slice(0, 10)}`
    );
  }

  /** 402 credits_exhausted when the workspace may not call a model now (before a message is accepted). */
  async assertCanSpend(workspaceId: string): Promise<void> {
    const refusal = await this.refusal(workspaceId);
    if (refusal) throw paymentRequired(refusal);
  }

  async summary(workspaceId: string): Promise<CreditsSummary> {
    const state = await this.state(workspaceId);
    return {
      plan: state.plan.name,
      metered: state.metered,
      balance: microsToUsd(state.balanceMicros),
      monthlyCredits: state.plan.monthlyCredits,
      period: state.period,
      grantedThisPeriod: microsToUsd(state.period ? await grantedIn(this.deps.prisma, workspaceId, state.period) : 0n),
      nextGrantAt: state.metered ? nextPeriodStart(new Date()).toISOString() : null,
    };
  }

  /** The summary and one page of the ledger, newest first. */
  async ledger(workspaceId: string, options: { limit?: number; cursor?: string } = {}): Promise<GetCreditsResponse> {
    const summary = await this.summary(workspaceId);
    return { ...summary, ...(await readLedger(this.deps.prisma, workspaceId, options)) };
  }

  /** A top-up or an adjustment by an admin: the balance, its ledger entry and the audit entry commit together. */
  async change(workspaceId: string, request: ChangeCreditsRequest, actor: Actor): Promise<ChangeCreditsResponse> {
    // A grant that is due comes first, so the ledger reads in the order things happened.
    await this.state(workspaceId);
    const amountMicros = usdToMicros(request.amount);
    const entry = await this.deps.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<{ creditMicros: bigint }[]>`
        UPDATE "Workspace" SET "creditMicros" = "creditMicros" + ${amountMicros} WHERE id = ${workspaceId} RETURNING "creditMicros"`;
      if (!rows[0]) throw notFound("Workspace");
      const created = await tx.creditEntry.create({
        data: {
          workspaceId,
          kind: request.kind,
          amountMicros,
          balanceAfterMicros: rows[0].creditMicros,
          note: request.note ?? null,
          actorKeyId: actor.apiKeyId,
        },
      });
      await this.deps.audit.record(
        {
          workspaceId,
          actor,
          action: "credits.changed",
          target: { type: "workspace", id: workspaceId },
          details: {
            kind: request.kind,
            amount: request.amount,
            balanceAfter: microsToUsd(rows[0].creditMicros),
            ...(request.note ? { note: request.note } : {}),
          },
        },
        tx,
      );
      return created;
    });
    return { entry: toCreditEntryData(entry), credits: await this.summary(workspaceId) };
  }

  private async load(workspaceId: string) {
    const workspace = await this.deps.prisma.workspace.findUnique({
      where: { id: workspaceId },
      select: { plan: true, creditMicros: true, creditPeriod: true },
    });
    if (!workspace) throw notFound("Workspace");
    return workspace;
  }
}
