/**
 * What the audit log records: who did what to what in a workspace. Entries are append-only
 * (a database trigger refuses to change or remove one). The log's service writes and reads
 * them; every service whose action is audited takes an `AuditWriter` and the request's `Actor`.
 */
import type { Prisma } from "@mix/db";

// The list is part of the wire contract (admins filter by it), so it lives there.
import type { AuditAction } from "../contracts/audit";

export { AUDIT_ACTIONS, type AuditAction } from "../contracts/audit";

/** Who asked: the key and its member (null for the system itself, e.g. an expiry), and the client's address. */
export interface Actor {
  apiKeyId: string | null;
  memberId: string | null;
  /** The client's IP address as the API saw it (behind a proxy: as TRUST_PROXY lets Express read it). */
  address: string | null;
}

/** The system acting on its own (an expiry noticed, a monthly grant): no key, member or address. */
export const SYSTEM_ACTOR: Actor = { apiKeyId: null, memberId: null, address: null };

export interface AuditRecord {
  workspaceId: string;
  actor: Actor;
  action: AuditAction;
  /** What it was done to, e.g. { type: "session", id }. */
  target?: { type: string; id: string };
  /** Facts of the action (never a secret): e.g. { role: "read_only" }, { tool, argumentsDigest }. */
  details?: Record<string, unknown>;
}

export interface AuditWriter {
  /** Appends one entry; inside `tx` when given, so the entry and the change it records commit together. */
  record(entry: AuditRecord, tx?: Prisma.TransactionClient): Promise<void>;
}
