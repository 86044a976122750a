/**
 * How many runs of a workspace may execute at once: its plan's maxConcurrentRuns, else the
 * deployment's WORKSPACE_MAX_CONCURRENT_RUNS, else no cap beyond the workers' own. A workspace's
 * plan is read once and kept for a few seconds, so a change of plan applies to runs that start
 * after that.
 */
import type { PrismaClient } from "@mix/db";
import { DEFAULT_PLAN, type PlanCatalog } from "../plans/plan-catalog";

const PLAN_CACHE_MS = 10_000;
const PLAN_CACHE_MAX = 10_000;

export class WorkspaceCaps {
  /** Each workspace's plan, read once for runs starting together (the promise is shared) and kept a few seconds. */
  private readonly plansOf = new Map<string, { plan: Promise<string>; until: number }>();
  /** False when no plan sets a cap: then no workspace's plan needs reading. */
  private readonly plansCap: boolean;

  constructor(
    private readonly prisma: PrismaClient,
    private readonly plans: PlanCatalog,
    /** WORKSPACE_MAX_CONCURRENT_RUNS: the cap of a workspace whose plan sets none. */
    private readonly fallback: number | null,
  ) {
    this.plansCap = plans.list().some((plan) => plan.maxConcurrentRuns !== null);
  }

  /** The workspace's cap; null: none. */
  async of(workspaceId: string): Promise<number | null> {
    if (!this.plansCap) return this.fallback;
    return this.plans.get(await this.planOf(workspaceId)).maxConcurrentRuns ?? this.fallback;
  }

  private planOf(workspaceId: string): Promise<string> {
    const now = Date.now();
    const cached = this.plansOf.get(workspaceId);
    if (cached && cached.until > now) return cached.plan;
    // A workspace deleted meanwhile: its run ends at its start anyway.
    const plan = this.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { plan: true } }).then((workspace) => workspace?.plan ?? DEFAULT_PLAN);
    if (this.plansOf.size >= PLAN_CACHE_MAX) this.plansOf.clear();
    this.plansOf.set(workspaceId, { plan, until: now + PLAN_CACHE_MS });
    // A failed read is not kept: the next run asks again.
    plan.catch(() => this.plansOf.get(workspaceId)?.plan === plan && this.plansOf.delete(workspaceId));
    return plan;
  }
}
