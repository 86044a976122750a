/** The `plan` commands of `pnpm mix`: the plan table, and moving a workspace to another plan. */
import { SetPlanRequest, toPlanData, type PlanData } from "@mix/core";
import type { CliCommand } from "../cli-command";
import { CLI_ACTING, parseRequest, positionals, printRows, workspaceOf } from "../cli-options";

const limit = (value: number | null) => (value === null ? "-" : String(value));
const models = (plan: PlanData) => (plan.models === "*" ? "*" : plan.models.join(","));

const list: CliCommand = {
  name: ["plan", "list"],
  usage: "plan list [--json]",
  summary: "The plan table: models, request limits, concurrent runs, sessions and monthly credits (USD) of each plan",
  options: [],
  booleans: ["json"],
  async run(values, given, context) {
    positionals(given);
    const plans = context.application.infrastructure.planCatalog.list().map(toPlanData);
    printRows(context, values, plans, {
      name: (plan) => plan.name,
      title: (plan) => plan.title,
      models,
      keyRpm: (plan) => limit(plan.keyRequestsPerMinute),
      workspaceRpm: (plan) => limit(plan.workspaceRequestsPerMinute),
      concurrentRuns: (plan) => limit(plan.maxConcurrentRuns),
      sessions: (plan) => limit(plan.maxSessions),
      monthlyCredits: (plan) => (plan.monthlyCredits === null ? "not metered" : String(plan.monthlyCredits)),
    });
  },
};

const set: CliCommand = {
  name: ["plan", "set"],
  usage: "plan set <name> --workspace <id>",
  summary: "Put the workspace on a plan (audited; a plan with more monthly credits grants the difference now)",
  options: ["workspace"],
  async run(values, given, context) {
    const [name] = positionals(given, "name");
    const workspaceId = await workspaceOf(values, context);
    const request = parseRequest(SetPlanRequest, { plan: name });
    const changed = await context.application.services.workspacePlan.change(workspaceId, request.plan, CLI_ACTING.actor);
    context.out(`${workspaceId}\tplan ${changed.previous} -> ${changed.plan.name}\tbalance ${changed.credits.balance} USD`);
  },
};

export const planCommands: CliCommand[] = [list, set];
