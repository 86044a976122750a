/** The `audit` commands of `pnpm mix`: the workspace's audit log, as the admin routes show it. */
import { AuditFilterQuery, describeZodError, ListAuditQuery, type AuditEntryData } from "@mix/core";
import type { z } from "zod";
import type { CliCommand, CliContext } from "../cli-command";

const FILTER_OPTIONS = ["action", "actor-key", "actor-member", "target-type", "target-id", "from", "to"] as const;
const FILTERS_USAGE = "[--action <a,b>] [--actor-key <id>] [--actor-member <id>] [--target-type <type>] [--target-id <id>] [--from <ISO>] [--to <ISO>]";

type Values = Record<string, string | boolean | undefined>;

function text(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

/** The options as the REST query, so both are checked by one schema. */
function query(values: Values): Record<string, string | undefined> {
  return {
    action: text(values, "action"),
    actorKeyId: text(values, "actor-key"),
    actorMemberId: text(values, "actor-member"),
    targetType: text(values, "target-type"),
    targetId: text(values, "target-id"),
    from: text(values, "from"),
    to: text(values, "to"),
  };
}

async function workspaceOf(values: Values, context: CliContext): Promise<string> {
  const id = text(values, "workspace");
  if (!id) throw new Error("--workspace <id> is required");
  const workspace = await context.application.infrastructure.prisma.workspace.findUnique({ where: { id }, select: { id: true } });
  if (!workspace) throw new Error(`workspace ${id} not found`);
  return id;
}

function parsed<T>(result: z.ZodSafeParseResult<T>): T {
  if (!result.success) throw new Error(describeZodError(result.error));
  return result.data;
}

function summary(entry: AuditEntryData): string {
  const actor = entry.actor.apiKeyId ? `key ${entry.actor.apiKeyId}${entry.actor.memberId ? ` (member ${entry.actor.memberId})` : ""}` : "system";
  const target = entry.target ? ` ${entry.target.type} ${entry.target.id}` : "";
  const address = entry.actor.address ? ` from ${entry.actor.address}` : "";
  return `${entry.createdAt}  ${entry.action}${target}  by ${actor}${address}`;
}

export const auditCommands: CliCommand[] = [
  {
    name: ["audit", "list"],
    usage: `audit list --workspace <id> ${FILTERS_USAGE} [--limit <n>] [--cursor <cursor>]`,
    summary: "One page of the workspace's audit log, newest first",
    options: ["workspace", ...FILTER_OPTIONS, "limit", "cursor"],
    async run(values, _positionals, context) {
      const workspaceId = await workspaceOf(values, context);
      const { limit, cursor, ...filters } = parsed(
        ListAuditQuery.safeParse({ ...query(values), limit: text(values, "limit"), cursor: text(values, "cursor") }),
      );
      const page = await context.application.services.audit.list(workspaceId, filters, { limit, cursor });
      for (const entry of page.entries) context.out(summary(entry));
      if (page.entries.length === 0) context.out("no entries");
      if (page.nextCursor) context.out(`more: --cursor ${page.nextCursor}`);
    },
  },
  {
    name: ["audit", "export"],
    usage: `audit export --workspace <id> ${FILTERS_USAGE}`,
    summary: "Every matching entry of the workspace's audit log as JSON lines, newest first",
    options: ["workspace", ...FILTER_OPTIONS],
    async run(values, _positionals, context) {
      const workspaceId = await workspaceOf(values, context);
      const filters = parsed(AuditFilterQuery.safeParse(query(values)));
      for await (const entry of context.application.services.audit.entries(workspaceId, filters)) context.out(JSON.stringify(entry));
    },
  },
];
