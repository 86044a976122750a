/**
 * Where the key checks read a key and note its use: Prisma in every process of the product,
 * plain SQL on a pg pool in the stream gateway (pg-api-key-records.ts), which loads no Prisma.
 */
import type { PrismaClient } from "@mix/db";
import type { Role } from "../contracts/roles";

/** What a key check needs of a stored key. */
export interface ApiKeyRecord {
  id: string;
  workspaceId: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  role: Role;
  memberId: string | null;
}

export interface ApiKeyRecords {
  byHash(keyHash: string): Promise<ApiKeyRecord | null>;
  byId(id: string): Promise<ApiKeyRecord | null>;
  /** Sets the key's lastUsedAt to `now` unless it is already at or after `since`. */
  touchLastUsed(id: string, since: Date, now: Date): Promise<void>;
}

const RECORD = { id: true, workspaceId: true, revokedAt: true, expiresAt: true, role: true, memberId: true } as const;

export function prismaApiKeyRecords(prisma: PrismaClient): ApiKeyRecords {
  return {
    byHash: (keyHash) => prisma.apiKey.findUnique({ where: { keyHash }, select: RECORD }),
    byId: (id) => prisma.apiKey.findUnique({ where: { id }, select: RECORD }),
    async touchLastUsed(id, since, now) {
      await prisma.apiKey.updateMany({ where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: since } }] }, data: { lastUsedAt: now } });
    },
  };
}
