/** Rows of members and keys as the contracts show them: never a key's digest, let alone the key. */
import type { ApiKeyData, MemberData, Role } from "../contracts";
import { keyStatus } from "../auth/key-expiry";

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export interface MemberRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  createdAt: Date;
  removedAt: Date | null;
}

export const memberData = (row: MemberRow): MemberData => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  createdAt: row.createdAt.toISOString(),
  removedAt: iso(row.removedAt),
});

/** What a key query selects: everything shown, and nothing else (no keyHash). */
export const KEY_SELECT = {
  id: true,
  keyPrefix: true,
  name: true,
  role: true,
  createdAt: true,
  lastUsedAt: true,
  expiresAt: true,
  revokedAt: true,
  member: { select: { id: true, name: true, email: true } },
} as const;

export interface KeyRow {
  id: string;
  keyPrefix: string;
  name: string;
  role: Role;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  member: { id: string; name: string; email: string } | null;
}

export const keyData = (row: KeyRow, now = new Date()): ApiKeyData => ({
  id: row.id,
  prefix: row.keyPrefix,
  name: row.name,
  role: row.role,
  status: keyStatus(row, now),
  member: row.member,
  createdAt: row.createdAt.toISOString(),
  lastUsedAt: iso(row.lastUsedAt),
  expiresAt: iso(row.expiresAt),
  revokedAt: iso(row.revokedAt),
});
