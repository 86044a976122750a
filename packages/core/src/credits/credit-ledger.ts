/**
 * Reading a workspace's credit ledger: entries newest first, a page at a time, after an opaque
 * cursor (base64url of the last entry's createdAt and id, the two keys of the order).
 */
import type { CreditEntryKind, Prisma, PrismaClient } from "@mix/db";
import { DEFAULT_LEDGER_PAGE, MAX_LEDGER_PAGE, type CreditEntryData } from "../contracts";
import { validationError } from "../errors/app-error";
import { microsToUsd, nextPeriodStart, periodStart } from "./credit-units";

export interface LedgerPage {
  entries: CreditEntryData[];
  nextCursor: string | null;
}

/** A ledger row as Prisma reads it. */
interface CreditEntryRow {
  id: string;
  kind: CreditEntryKind;
  amountMicros: bigint;
  balanceAfterMicros: bigint;
  runId: string | null;
  note: string | null;
  actorKeyId: string | null;
  createdAt: Date;
}

export function toCreditEntryData(entry: CreditEntryRow): CreditEntryData {
  return {
    id: entry.id,
    kind: entry.kind,
    amount: microsToUsd(entry.amountMicros),
    balanceAfter: microsToUsd(entry.balanceAfterMicros),
    runId: entry.runId,
    note: entry.note,
    actorKeyId: entry.actorKeyId,
    createdAt: entry.createdAt.toISOString(),
  };
}

export async function readLedger(prisma: PrismaClient, workspaceId: string, options: { limit?: number; cursor?: string }): Promise<LedgerPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_LEDGER_PAGE), 1), MAX_LEDGER_PAGE);
  const after = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
  const rows = await prisma.creditEntry.findMany({
    where: { workspaceId, ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    // One more than asked tells whether another page follows, without a count.
    take: limit + 1,
  });
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { entries: shown.map(toCreditEntryData), nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/** What the grants of a period added: the monthly grant, and what upgrades within it added. */
export async function grantedIn(db: Pick<PrismaClient, "creditEntry"> | Prisma.TransactionClient, workspaceId: string, period: string): Promise<bigint> {
  const start = periodStart(period);
  const sum = await db.creditEntry.aggregate({
    where: { workspaceId, kind: "grant", createdAt: { gte: start, lt: nextPeriodStart(start) } },
    _sum: { amountMicros: true },
  });
  return sum._sum.amountMicros ?? 0n;
}

function encodeCursor(entry: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([entry.createdAt.toISOString(), entry.id])).toString("base64url");
}

/** 400 for anything this service did not hand out. */
function decodeCursor(text: string): { createdAt: Date; id: string } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch (error) {
    throw validationError(`cursor is not valid: ${(error as Error).message}`);
  }
  const [createdAt, id] = Array.isArray(value) && value.length === 2 ? (value as unknown[]) : [];
  const date = typeof createdAt === "string" ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || typeof id !== "string" || id.length === 0 || id.length > 128) throw validationError("cursor is not valid");
  return { createdAt: date, id };
}
