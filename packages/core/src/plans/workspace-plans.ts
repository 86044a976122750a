/**
 * The plan a workspace is on, for the checks that run on every request (rate limits, the
 * session cap). Remembered per process for a few seconds, like keys: a plan changed on another
 * instance (PUT /api/workspace/plan) applies everywhere within CACHE_TTL_MS; one changed here
 * at once, if its writer calls `forget`.
 */
import type { PrismaClient } from "@mix/db";
import type { Plan, PlanCatalog } from "./plan-catalog";
import { DEFAULT_PLAN } from "./plan-catalog";

/** How long a workspace's plan is remembered: a plan change takes at most this long to apply everywhere. */
export const WORKSPACE_PLAN_CACHE_TTL_MS = 15_000;
const CACHE_MAX_ENTRIES = 10_000;

export class WorkspacePlans {
  private readonly cache = new Map<string, { name: string; expiresAt: number }>();

  constructor(
    private readonly prisma: PrismaClient,
    readonly catalog: PlanCatalog,
    private readonly ttlMs = WORKSPACE_PLAN_CACHE_TTL_MS,
  ) {}

  /** The workspace's plan; an unknown workspace, or a plan name no longer configured, is the default plan. */
  async get(workspaceId: string): Promise<Plan> {
    const now = Date.now();
    const cached = this.cache.get(workspaceId);
    if (cached && cached.expiresAt > now) return this.catalog.get(cached.name);
    const row = await this.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { plan: true } });
    const name = row?.plan ?? DEFAULT_PLAN;
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(workspaceId, { name, expiresAt: now + this.ttlMs });
    return this.catalog.get(name);
  }

  /** Drops what this process remembers of a workspace's plan (after changing it). */
  forget(workspaceId: string): void {
    this.cache.delete(workspaceId);
  }
}
