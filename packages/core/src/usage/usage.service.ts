/**
 * What a workspace's model calls used over a range of UTC days: tokens (the prompt tokens read
 * from and written to the provider's cache among them), cost, runs and calls,
 * per day, API key, member or model, summed from the UsageRecords the run path writes. Keys and
 * members are named where they still exist (a removed member keeps its row).
 */
import { Prisma, type PrismaClient } from "@mix/db";
import { DEFAULT_USAGE_RANGE_DAYS, MAX_USAGE_RANGE_DAYS, type UsageGroupBy, type UsageQuery, type UsageResponse, type UsageRow } from "../contracts";
import { validationError } from "../errors/app-error";

const DAY_MS = 86_400_000;

/** The SQL each grouping sums by: fixed text, never the caller's. */
const GROUP_KEY: Record<UsageGroupBy, Prisma.Sql> = {
  day: Prisma.raw(`to_char(date_trunc('day', "createdAt"), 'YYYY-MM-DD')`),
  key: Prisma.raw(`"apiKeyId"`),
  member: Prisma.raw(`"memberId"`),
  model: Prisma.raw(`provider || '/' || model`),
};

interface SumRow {
  key: string | null;
  promptTokens: bigint | null;
  completionTokens: bigint | null;
  cacheReadTokens: bigint | null;
  cacheWriteTokens: bigint | null;
  cost: number | null;
  runs: bigint;
  calls: bigint;
}

const sums = Prisma.raw(
  `SUM("promptTokens") AS "promptTokens", SUM("completionTokens") AS "completionTokens", ` +
    `SUM("cacheReadTokens") AS "cacheReadTokens", SUM("cacheWriteTokens") AS "cacheWriteTokens", SUM(cost) AS cost, ` +
    `COUNT(DISTINCT "runId") AS runs, COUNT(*) AS calls`,
);

const day = (date: Date) => date.toISOString().slice(0, 10);

/** The range asked for, or the last DEFAULT_USAGE_RANGE_DAYS days; 400 when it is backwards or too long. */
export function usageRange(query: Pick<UsageQuery, "from" | "to">, today = new Date()): { from: string; to: string } {
  const to = query.to ?? day(today);
  const from = query.from ?? day(new Date(Date.parse(`${to}T00:00:00Z`) - (DEFAULT_USAGE_RANGE_DAYS - 1) * DAY_MS));
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days < 1) throw validationError(`from (${from}) must not be after to (${to})`);
  if (days > MAX_USAGE_RANGE_DAYS)
    throw validationError(`the range from ${from} to ${to} is ${days} days; at most ${MAX_USAGE_RANGE_DAYS} are reported at once`);
  return { from, to };
}

export class UsageService {
  constructor(private readonly prisma: PrismaClient) {}

  async report(workspaceId: string, query: UsageQuery): Promise<UsageResponse> {
    const { from, to } = usageRange(query);
    const start = new Date(`${from}T00:00:00.000Z`);
    const end = new Date(Date.parse(`${to}T00:00:00.000Z`) + DAY_MS);
    const where = Prisma.sql`"workspaceId" = ${workspaceId} AND "createdAt" >= ${start} AND "createdAt" < ${end}`;
    const groupKey = GROUP_KEY[query.groupBy];
    const [grouped, totals] = await Promise.all([
      this.prisma.$queryRaw<SumRow[]>(Prisma.sql`
        SELECT ${groupKey} AS key, ${sums}
        FROM "UsageRecord" WHERE ${where} GROUP BY 1 ORDER BY 1`),
      this.prisma.$queryRaw<SumRow[]>(Prisma.sql`SELECT NULL AS key, ${sums} FROM "UsageRecord" WHERE ${where}`),
    ]);
    const labels = await this.labels(workspaceId, query.groupBy, grouped);
    const rows: UsageRow[] = grouped.map((row) => ({ key: row.key, label: row.key === null ? null : (labels.get(row.key) ?? null), ...toTotals(row) }));
    // Days read in order; the other groupings biggest spender first.
    if (query.groupBy !== "day") rows.sort((a, b) => b.cost - a.cost || (a.key ?? "").localeCompare(b.key ?? ""));
    return { from, to, groupBy: query.groupBy, rows, total: toTotals(totals[0]!) };
  }

  /** The names of the keys or members of the rows. */
  private async labels(workspaceId: string, groupBy: UsageGroupBy, rows: SumRow[]): Promise<Map<string, string>> {
    const ids = rows.flatMap((row) => (row.key === null ? [] : [row.key]));
    if (ids.length === 0) return new Map();
    if (groupBy === "key") {
      const keys = await this.prisma.apiKey.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, name: true, keyPrefix: true } });
      return new Map(keys.map((key) => [key.id, `${key.name} (${key.keyPrefix}…)`]));
    }
    if (groupBy === "member") {
      const members = await this.prisma.member.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, name: true, email: true } });
      return new Map(members.map((member) => [member.id, `${member.name} <${member.email}>`]));
    }
    return new Map();
  }
}

function toTotals(row: SumRow) {
  return {
    promptTokens: Number(row.promptTokens ?? 0),
    completionTokens: Number(row.completionTokens ?? 0),
    cacheReadTokens: Number(row.cacheReadTokens ?? 0),
    cacheWriteTokens: Number(row.cacheWriteTokens ?? 0),
    cost: row.cost ?? 0,
    runs: Number(row.runs),
    calls: Number(row.calls),
  };
}
