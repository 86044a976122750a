/**
 * Short-lived tokens a browser's EventSource can open one session's stream with: EventSource
 * cannot send an Authorization header, so the token travels in the URL. To keep that harmless
 * a token opens only `GET /stream` of the one session it was minted for, lives minutes
 * (STREAM_TOKEN_TTL_MS), is kept in Redis only as a hash, and holds no power of its own: each
 * use re-reads the key it was minted with, so revoking or demoting that key bites at once.
 */
import { createHash, randomBytes } from "node:crypto";
import type { RedisClient } from "../redis/connection";
import { unauthorized } from "../errors/app-error";
import type { RedisKeys } from "../redis/keys";
import type { KeyAuthenticator, Principal } from "./key-authenticator";

export const STREAM_TOKEN_PREFIX = "mst_";

export interface MintedStreamToken {
  token: string;
  expiresAt: string;
}

/** A token's owner, scoped: the key it was minted with, and the one session whose stream it opens. */
export interface StreamTokenPrincipal extends Principal {
  streamSessionId: string;
}

const hash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export class StreamTokens {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly apiKeys: KeyAuthenticator,
    private readonly ttlMs: number,
  ) {}

  /** The caller has checked the session is the principal's workspace's. */
  async mint(principal: Principal, sessionId: string): Promise<MintedStreamToken> {
    const token = `${STREAM_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
    const record = JSON.stringify({ apiKeyId: principal.apiKeyId, workspaceId: principal.workspaceId, sessionId });
    await this.redis.set(this.keys.streamToken(hash(token)), record, "PX", this.ttlMs);
    return { token, expiresAt: new Date(Date.now() + this.ttlMs).toISOString() };
  }

  /** The scoped principal of a live token; 401 for an unknown or expired one, or one whose key no longer works. */
  async authenticate(token: string): Promise<StreamTokenPrincipal> {
    const invalid = () => unauthorized("Stream token is invalid or expired: mint a new one with POST /api/sessions/{id}/stream-token");
    if (!token.startsWith(STREAM_TOKEN_PREFIX) || token.length > 200) throw invalid();
    const raw = await this.redis.get(this.keys.streamToken(hash(token)));
    if (!raw) throw invalid();
    const record = parseRecord(raw);
    const principal = record ? await this.apiKeys.principalOf(record.apiKeyId) : null;
    if (!record || !principal || principal.workspaceId !== record.workspaceId) throw invalid();
    return { ...principal, streamSessionId: record.sessionId };
  }
}

function parseRecord(raw: string): { apiKeyId: string; workspaceId: string; sessionId: string } | null {
  try {
    const value = JSON.parse(raw) as Record<string, unknown>;
    const { apiKeyId, workspaceId, sessionId } = value;
    return typeof apiKeyId === "string" && typeof workspaceId === "string" && typeof sessionId === "string" ? { apiKeyId, workspaceId, sessionId } : null;
  } catch {
    return null; // written by mint() as JSON
  }
}
