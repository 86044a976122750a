/** The `credits` commands of `pnpm mix`: a workspace's balance and ledger, top-ups and adjustments. */
import { ChangeCreditsRequest, GetCreditsQuery, type CreditEntryData, type CreditsSummary } from "@mix/core";
import type { CliCommand, CliContext } from "../cli-command";
import { CLI_ACTING, option, parseRequest, positionals, printRows, workspaceOf } from "../cli-options";

const credits = (context: CliContext) => context.application.services.credits;

function describe(summary: CreditsSummary): string {
  const metering = summary.metered ? `${summary.monthlyCredits} USD a month, next grant ${summary.nextGrantAt}` : "not metered";
  return `plan ${summary.plan}\tbalance ${summary.balance} USD\t${metering}\tgranted for ${summary.period ?? "-"}: ${summary.grantedThisPeriod} USD`;
}

const balance: CliCommand = {
  name: ["credits", "balance"],
  usage: "credits balance --workspace <id> [--limit <n>] [--json]",
  summary: "The balance (this month's grant added when due) and the newest ledger entries",
  options: ["workspace", "limit"],
  booleans: ["json"],
  async run(values, given, context) {
    positionals(given);
    const workspaceId = await workspaceOf(values, context);
    const { limit } = parseRequest(GetCreditsQuery, { limit: option(values, "limit") });
    const page = await credits(context).ledger(workspaceId, { limit: limit ?? 10 });
    if (values.json === true) {
      context.out(JSON.stringify(page, null, 2));
      return;
    }
    context.out(describe(page));
    printRows<CreditEntryData>(context, {}, page.entries, {
      at: (entry) => entry.createdAt,
      kind: (entry) => entry.kind,
      amount: (entry) => String(entry.amount),
      balanceAfter: (entry) => String(entry.balanceAfter),
      run: (entry) => entry.runId,
      note: (entry) => entry.note,
    });
  },
};

/** `top-up` and `adjust`: one request of POST /api/workspace/credits. */
function change(kind: "top_up" | "adjustment"): CliCommand {
  const verb = kind === "top_up" ? "top-up" : "adjust";
  return {
    name: ["credits", verb],
    usage: `credits ${verb} <usd> --workspace <id> [--note <text>]${kind === "adjustment" ? "   (a negative amount after --: credits adjust --workspace <id> -- -5)" : ""}`,
    summary:
      kind === "top_up" ? "Add credits (USD > 0); audited as credits.changed" : "Correct the balance by an amount of either sign; audited as credits.changed",
    options: ["workspace", "note"],
    async run(values, given, context) {
      const [usd] = positionals(given, "usd");
      const workspaceId = await workspaceOf(values, context);
      // Number("") is 0 and Number("abc") NaN: both refused by the schema, like the REST body's.
      const request = parseRequest(ChangeCreditsRequest, { amount: Number(usd), kind, note: option(values, "note") });
      const { entry, credits: after } = await credits(context).change(workspaceId, request, CLI_ACTING.actor);
      context.out(`${entry.id}\t${entry.kind} ${entry.amount} USD\tbalance ${after.balance} USD`);
    },
  };
}

export const creditCommands: CliCommand[] = [balance, change("top_up"), change("adjustment")];
