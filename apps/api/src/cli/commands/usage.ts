/** The `usage` command of `pnpm mix`: tokens, cost and runs of a workspace's model calls, as GET /api/workspace/usage reports them. */
import { UsageQuery } from "@mix/core";
import type { CliCommand } from "../cli-command";
import { option, parseRequest, positionals, printRows, workspaceOf } from "../cli-options";

const usage: CliCommand = {
  name: ["usage"],
  usage: "usage --workspace <id> [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by day|key|member|model] [--json]",
  summary: "Tokens, cost (USD), runs and model calls per day, API key, member or model (default: by day, the last 30 days)",
  options: ["workspace", "from", "to", "by"],
  booleans: ["json"],
  async run(values, given, context) {
    positionals(given);
    const workspaceId = await workspaceOf(values, context);
    const query = parseRequest(UsageQuery, { from: option(values, "from"), to: option(values, "to"), groupBy: option(values, "by") });
    const report = await context.application.services.usage.report(workspaceId, query);
    if (values.json === true) {
      context.out(JSON.stringify(report, null, 2));
      return;
    }
    context.out(`usage of ${workspaceId} from ${report.from} to ${report.to}, by ${report.groupBy}`);
    const rows = [...report.rows, { key: "total", label: null, ...report.total }];
    printRows(context, {}, rows, {
      [report.groupBy]: (row) => row.key ?? "(none)",
      name: (row) => row.label,
      promptTokens: (row) => String(row.promptTokens),
      completionTokens: (row) => String(row.completionTokens),
      cost: (row) => row.cost.toFixed(6),
      runs: (row) => String(row.runs),
      calls: (row) => String(row.calls),
    });
  },
};

export const usageCommands: CliCommand[] = [usage];
