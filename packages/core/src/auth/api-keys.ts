/**
 * Workspaces and their API keys. Keys are 32 random bytes, shown once and stored only as a
 * SHA-256 digest: they carry enough entropy that a slow hash would add nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "@mix/db";

const KEY_PREFIX = "mix_";
/** Known keys are remembered briefly: every request authenticates, most with no query. */
const CACHE_TTL_MS = 30_000;
const CACHE_MAX_ENTRIES = 10_000;

export interface Principal {
  workspaceId: string;
  apiKeyId: string;
}

export const hashApiKey = (key: string) => createHash("sha256").update(key, "utf8").digest("hex");
export const generateApiKey = () => `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;

export class ApiKeyService {
  private readonly cache = new Map<string, { principal: Principal; expiresAt: number }>();

  constructor(private readonly prisma: PrismaClient) {}

  /** Creates a workspace with one key; the plain key is returned only here. */
  async createWorkspace(name: string, keyName = "default"): Promise<{ workspaceId: string; apiKey: string }> {
    const apiKey = generateApiKey();
    const workspace = await this.prisma.workspace.create({
      data: { name, apiKeys: { create: { name: keyName, keyHash: hashApiKey(apiKey), keyPrefix: apiKey.slice(0, 10) } } },
    });
    return { workspaceId: workspace.id, apiKey };
  }

  /** Makes `apiKey` valid for a workspace called `name` (for local use with a key from env). */
  async ensureKey(apiKey: string, name: string): Promise<Principal> {
    const existing = await this.authenticate(apiKey);
    if (existing) return existing;
    const keyHash = hashApiKey(apiKey);
    const workspace = await this.prisma.workspace.create({ data: { name } });
    const created = await this.prisma.apiKey.upsert({
      where: { keyHash },
      update: {},
      create: { workspaceId: workspace.id, name: "env", keyHash, keyPrefix: apiKey.slice(0, 10) },
    });
    if (created.workspaceId !== workspace.id) await this.prisma.workspace.delete({ where: { id: workspace.id } });
    return { workspaceId: created.workspaceId, apiKeyId: created.id };
  }

  /**
   * The workspace a key belongs to, or null for an unknown or revoked key. A valid key is
   * cached for 30 s per process, so a revocation takes effect within that time.
   */
  async authenticate(apiKey: string): Promise<Principal | null> {
    if (!apiKey || apiKey.length > 512) return null;
    const keyHash = hashApiKey(apiKey);
    const cached = this.cache.get(keyHash);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    const key = await this.prisma.apiKey.findUnique({
      where: { keyHash },
      select: { id: true, workspaceId: true, revokedAt: true },
    });
    if (!key || key.revokedAt) {
      this.cache.delete(keyHash);
      return null;
    }
    const principal = { workspaceId: key.workspaceId, apiKeyId: key.id };
    if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
    this.cache.set(keyHash, { principal, expiresAt: Date.now() + CACHE_TTL_MS });
    return principal;
  }
}
