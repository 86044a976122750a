/**
 * Plans: what a workspace may use and how much. A small table in configuration: the built-in
 * plans below, replaced or extended by PLANS_FILE (a JSON object of plan name to plan). A
 * workspace names its plan (Workspace.plan); the "default" plan, which every workspace starts
 * on, limits nothing beyond the deployment's own settings, so a self-hosted stack behaves as it
 * did before plans existed.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError } from "../config/config";

const count = (max: number) => z.number().int().min(1).max(max);

export const Plan = z.strictObject({
  /** Shown to clients, e.g. "Pro". */
  title: z.string().min(1).max(100),
  /**
   * The models the plan may call: "*" for all, else entries "provider/model" or "provider/*"
   * (e.g. "scripted/*", "anthropic/claude-sonnet-4-5"). Others are listed as requiresPaid.
   */
  models: z.union([z.literal("*"), z.array(z.string().regex(/^[a-z0-9-]+\/(\*|[A-Za-z0-9._:@/-]+)$/)).max(1_000)]),
  /** Requests per minute that create work or change state, per API key and for the whole workspace; null: the deployment's setting. */
  keyRequestsPerMinute: count(1_000_000).nullable().default(null),
  workspaceRequestsPerMinute: count(10_000_000).nullable().default(null),
  /** Runs of the workspace executing at once, across all workers; null: no cap beyond the workers' own. */
  maxConcurrentRuns: count(10_000).nullable().default(null),
  /** Sessions the workspace may hold; null: no cap. */
  maxSessions: count(100_000_000).nullable().default(null),
  /** Credits (USD of model cost) granted each calendar month (UTC); null: model calls are not metered against credits. */
  monthlyCredits: z.number().min(0).max(1_000_000_000).nullable().default(null),
});
export type Plan = z.infer<typeof Plan> & { name: string };

export const DEFAULT_PLAN = "default";

const BUILT_IN: Record<string, z.input<typeof Plan>> = {
  [DEFAULT_PLAN]: { title: "Default", models: "*" },
  free: {
    title: "Free",
    models: ["scripted/*"],
    keyRequestsPerMinute: 30,
    workspaceRequestsPerMinute: 60,
    maxConcurrentRuns: 1,
    maxSessions: 100,
    monthlyCredits: 1,
  },
  pro: { title: "Pro", models: "*", keyRequestsPerMinute: 300, workspaceRequestsPerMinute: 1_000, maxConcurrentRuns: 8, monthlyCredits: 50 },
};

const PlanTable = z.record(z.string().regex(/^[a-z0-9_-]{1,40}$/, "plan names are 1 to 40 of a-z, 0-9, '_' and '-'"), Plan);

export class PlanCatalog {
  private constructor(private readonly plans: Map<string, Plan>) {}

  /** The built-in plans, with PLANS_FILE's on top (a plan of the same name replaces the built-in one). */
  static load(file: string | undefined): PlanCatalog {
    let extra: unknown = {};
    if (file) {
      try {
        extra = JSON.parse(readFileSync(file, "utf8"));
      } catch (error) {
        throw new ConfigError(`PLANS_FILE: cannot read ${file} as JSON: ${(error as Error).message}`);
      }
    }
    return PlanCatalog.from({ ...BUILT_IN, ...(extra as object) });
  }

  static from(table: unknown): PlanCatalog {
    const parsed = PlanTable.safeParse(table);
    if (!parsed.success) throw new ConfigError(`PLANS_FILE: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`);
    if (!parsed.data[DEFAULT_PLAN]) throw new ConfigError(`PLANS_FILE: the "${DEFAULT_PLAN}" plan cannot be removed`);
    return new PlanCatalog(new Map(Object.entries(parsed.data).map(([name, plan]) => [name, { ...plan, name }])));
  }

  /** The plan of that name; a workspace on a plan removed from configuration falls back to the default one. */
  get(name: string): Plan {
    return this.plans.get(name) ?? this.plans.get(DEFAULT_PLAN)!;
  }

  has(name: string): boolean {
    return this.plans.has(name);
  }

  list(): Plan[] {
    return [...this.plans.values()];
  }

  /** Whether model calls of a workspace on this plan are paid from its credits. */
  isMetered(plan: Plan): boolean {
    return plan.monthlyCredits !== null;
  }

  /**
   * The plan names whose workspaces are metered, and whether a name the table does not know is
   * (it falls back to the default plan): what a statement debiting in SQL filters on.
   */
  metering(): { meteredNames: string[]; unknownIsMetered: boolean; knownNames: string[] } {
    const plans = this.list();
    return {
      meteredNames: plans.filter((plan) => this.isMetered(plan)).map((plan) => plan.name),
      unknownIsMetered: this.isMetered(this.get(DEFAULT_PLAN)),
      knownNames: plans.map((plan) => plan.name),
    };
  }

  /** Whether the plan may call the provider's model. */
  allowsModel(plan: Plan, provider: string, modelId: string): boolean {
    if (plan.models === "*") return true;
    return plan.models.some((entry) => entry === `${provider}/*` || entry === `${provider}/${modelId}`);
  }
}
