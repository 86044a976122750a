/**
 * The workspace's audit log: appends entries (inside the caller's transaction when it has one)
 * and reads them back newest first, a page at a time, for the admin routes and the CLI.
 */
import type { Prisma, PrismaClient } from "@mix/db";
import { DEFAULT_AUDIT_PAGE, MAX_AUDIT_PAGE, type AuditEntryData, type AuditFilters } from "../contracts/audit";
import { SYSTEM_ACTOR, type Actor, type AuditRecord, type AuditWriter } from "./audit-entry";
import { boundDetails, boundText } from "./audit-details";
import { AUDIT_ORDER, auditWhere, decodeAuditCursor, encodeAuditCursor, toAuditEntryData } from "./audit-query";

/** The longest target type/id and client address kept; longer ones are cut, never refused. */
const MAX_FIELD_LENGTH = 256;

/** The export reads this many entries at a time, so a long log never sits in memory whole. */
export const AUDIT_EXPORT_BATCH = 500;

export interface AuditPage {
  entries: AuditEntryData[];
  /** Where the next page starts; null on the last page. */
  nextCursor: string | null;
}

export interface AuditPageOptions {
  /** 1 to MAX_AUDIT_PAGE (default DEFAULT_AUDIT_PAGE). */
  limit?: number;
  /** The nextCursor of the previous page. */
  cursor?: string;
}

type AuditClient = Pick<PrismaClient, "auditEntry"> | Prisma.TransactionClient;

export class AuditLog implements AuditWriter {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Appends one entry. Missing optional parts (actor fields, target, details) are stored as null;
   * oversized details are cut to a bounded size. A database failure is thrown: inside `tx` it
   * rolls the audited change back with it, so no change commits without its entry.
   */
  async record(entry: AuditRecord, tx?: Prisma.TransactionClient): Promise<void> {
    const client: AuditClient = tx ?? this.prisma;
    await client.auditEntry.create({ data: toRow(entry) });
  }

  /** One page of the workspace's entries matching `filters`, newest first. */
  async list(workspaceId: string, filters: AuditFilters, options: AuditPageOptions = {}): Promise<AuditPage> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_AUDIT_PAGE), 1), MAX_AUDIT_PAGE);
    const after = options.cursor === undefined ? undefined : decodeAuditCursor(options.cursor);
    return this.page(workspaceId, filters, limit, after);
  }

  /** Every entry matching `filters`, newest first, read AUDIT_EXPORT_BATCH at a time. */
  async *entries(workspaceId: string, filters: AuditFilters, batch = AUDIT_EXPORT_BATCH): AsyncGenerator<AuditEntryData> {
    let cursor: string | undefined;
    do {
      const page = await this.page(workspaceId, filters, batch, cursor === undefined ? undefined : decodeAuditCursor(cursor));
      yield* page.entries;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }

  private async page(workspaceId: string, filters: AuditFilters, limit: number, after: ReturnType<typeof decodeAuditCursor> | undefined): Promise<AuditPage> {
    // One more than asked tells whether another page follows, without a count.
    const rows = await this.prisma.auditEntry.findMany({ where: auditWhere(workspaceId, filters, after), orderBy: AUDIT_ORDER, take: limit + 1 });
    const shown = rows.slice(0, limit);
    const last = shown.at(-1);
    return { entries: shown.map(toAuditEntryData), nextCursor: rows.length > limit && last ? encodeAuditCursor(last) : null };
  }
}

function toRow(entry: AuditRecord): Prisma.AuditEntryUncheckedCreateInput {
  const actor: Actor = { ...SYSTEM_ACTOR, ...(entry.actor ?? {}) };
  const target = entry.target && typeof entry.target.type === "string" && entry.target.id != null ? entry.target : undefined;
  const details = entry.details ? boundDetails(entry.details) : undefined;
  return {
    workspaceId: entry.workspaceId,
    action: entry.action,
    actorKeyId: actor.apiKeyId ?? null,
    actorMemberId: actor.memberId ?? null,
    clientAddress: actor.address ? boundText(actor.address, MAX_FIELD_LENGTH) : null,
    ...(target ? { target: { type: boundText(target.type, MAX_FIELD_LENGTH), id: boundText(String(target.id), MAX_FIELD_LENGTH) } } : {}),
    ...(details ? { details: details as Prisma.InputJsonObject } : {}),
  };
}
