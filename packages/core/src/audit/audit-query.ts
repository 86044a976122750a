/**
 * How the audit log is read: filters become a Prisma where clause, pages follow an opaque
 * cursor (the last entry's createdAt and id, the two keys of the newest-first order), and a
 * row becomes the wire shape admins see.
 */
import type { Prisma } from "@mix/db";
import type { AuditEntryData, AuditFilters } from "../contracts/audit";
import { validationError } from "../errors/app-error";

export interface AuditCursor {
  createdAt: Date;
  id: string;
}

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id])).toString("base64url");
}

/** 400 for anything the log did not hand out. */
export function decodeAuditCursor(text: string): AuditCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw validationError("cursor is not valid");
  }
  if (!Array.isArray(value) || value.length !== 2) throw validationError("cursor is not valid");
  const [createdAt, id] = value as unknown[];
  const date = typeof createdAt === "string" ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()) || typeof id !== "string" || id.length === 0 || id.length > 128) throw validationError("cursor is not valid");
  return { createdAt: date, id };
}

/** Newest first; the id breaks ties between entries of the same millisecond. */
export const AUDIT_ORDER: Prisma.AuditEntryOrderByWithRelationInput[] = [{ createdAt: "desc" }, { id: "desc" }];

export function auditWhere(workspaceId: string, filters: AuditFilters, after?: AuditCursor): Prisma.AuditEntryWhereInput {
  const and: Prisma.AuditEntryWhereInput[] = [{ workspaceId }];
  if (filters.action && filters.action.length > 0) and.push({ action: { in: [...new Set(filters.action)] } });
  if (filters.actorKeyId) and.push({ actorKeyId: filters.actorKeyId });
  if (filters.actorMemberId) and.push({ actorMemberId: filters.actorMemberId });
  if (filters.targetType) and.push({ target: { path: ["type"], equals: filters.targetType } });
  if (filters.targetId) and.push({ target: { path: ["id"], equals: filters.targetId } });
  if (filters.from) and.push({ createdAt: { gte: filters.from } });
  if (filters.to) and.push({ createdAt: { lt: filters.to } });
  if (after) {
    and.push({ OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] });
  }
  return { AND: and };
}

interface AuditRow {
  id: string;
  workspaceId: string;
  action: string;
  actorKeyId: string | null;
  actorMemberId: string | null;
  clientAddress: string | null;
  target: Prisma.JsonValue;
  details: Prisma.JsonValue;
  createdAt: Date;
}

export function toAuditEntryData(row: AuditRow): AuditEntryData {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    action: row.action,
    actor: { apiKeyId: row.actorKeyId, memberId: row.actorMemberId, address: row.clientAddress },
    target: asTarget(row.target),
    details: isObject(row.details) ? row.details : null,
    createdAt: row.createdAt.toISOString(),
  };
}

function asTarget(value: Prisma.JsonValue): AuditEntryData["target"] {
  if (!isObject(value) || typeof value.type !== "string" || typeof value.id !== "string") return null;
  return { type: value.type, id: value.id };
}

function isObject(value: Prisma.JsonValue): value is Prisma.JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
