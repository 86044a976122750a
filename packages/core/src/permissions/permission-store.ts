/**
 * Permission requests in Redis, shared by the gate (worker side) and the answering service (API
 * side), so the rules of a request's life are written once. A request is a hash holding its
 * owner and its status; the status changes once, from "pending" to its outcome, in one atomic
 * step, so an answer and the timeout can never both win.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import type { RedisKeys } from "../redis/keys";

export const PERMISSION_OUTCOMES = ["granted", "denied", "timeout", "cancelled"] as const;
export type PermissionSettledStatus = (typeof PERMISSION_OUTCOMES)[number];
export type PermissionStatus = "pending" | PermissionSettledStatus;

/**
 * How long a settled request stays readable: a repeated answer is recognised (idempotent), and
 * an answer after the timeout or a cancel gets a clear 409 instead of a bare 404.
 */
export const SETTLED_PERMISSION_TTL_MS = 3_600_000;
/** A pending request outlives the gate's timeout by this much, so the timeout finds it to settle. */
export const PENDING_TTL_MARGIN_MS = 60_000;
/** "Always" grants of a session are forgotten after this long without a new one. */
export const ALWAYS_GRANT_TTL_SECONDS = 30 * 24 * 3_600;

export interface PermissionOwner {
  workspaceId: string;
  /** The session whose tool asks (a subagent's own session). */
  sessionId: string;
  /** The top-level session: its stream shows the request and its "always" grants apply. */
  streamSessionId: string;
  runId: string;
  toolCallId: string;
  toolName: string;
  /** SHA-256 of the call's canonical arguments (audit/arguments-digest.ts), for the audit entry of the answer. */
  argumentsDigest?: string;
}

export interface PermissionRecord extends PermissionOwner {
  id: string;
  status: PermissionStatus;
  /** Set by a grant "always for this session". */
  always: boolean;
}

/** What travels on the answers channel; the hash stays the truth. */
export const PermissionAnswerMessage = z.object({ id: z.string(), status: z.enum(PERMISSION_OUTCOMES) });
export type PermissionAnswerMessage = z.infer<typeof PermissionAnswerMessage>;

export type SettleResult = { settled: true; record: PermissionRecord } | { settled: false; record: PermissionRecord | null };

// KEYS: the request hash. ARGV: new status, always ("1"/"0"), settled ttl (ms).
// Returns the status before the call (nil when the request does not exist).
const SETTLE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return nil end
if current == 'pending' then
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'always', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
end
return current
`;

type RedisWithSettle = Redis & {
  mixSettlePermission(key: string, status: string, always: string, ttlMs: number): Promise<string | null>;
};

export class PermissionStore {
  private readonly redis: RedisWithSettle;

  constructor(
    redis: Redis,
    private readonly keys: RedisKeys,
  ) {
    if (!("mixSettlePermission" in redis)) redis.defineCommand("mixSettlePermission", { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    this.redis = redis as RedisWithSettle;
  }

  async create(id: string, owner: PermissionOwner, ttlMs: number): Promise<void> {
    const key = this.keys.permission(id);
    const { argumentsDigest, ...fields } = owner;
    await this.redis
      .multi()
      .hset(key, { ...fields, ...(argumentsDigest ? { argumentsDigest } : {}), status: "pending", always: "0", createdAt: String(Date.now()) })
      .pexpire(key, ttlMs)
      .exec();
  }

  async get(id: string): Promise<PermissionRecord | null> {
    const hash = await this.redis.hgetall(this.keys.permission(id));
    return toRecord(id, hash);
  }

  /** Moves a pending request to `status`; a request already settled (or gone) is left alone. */
  async settle(id: string, status: PermissionSettledStatus, options: { always?: boolean } = {}): Promise<SettleResult> {
    const before = await this.redis.mixSettlePermission(this.keys.permission(id), status, options.always ? "1" : "0", SETTLED_PERMISSION_TTL_MS);
    const record = await this.get(id);
    if (before === "pending" && record) return { settled: true, record };
    return { settled: false, record };
  }

  /** Tells every gate that `id` was answered (only the one waiting for it acts). */
  async publishAnswer(message: PermissionAnswerMessage): Promise<void> {
    await this.redis.publish(this.keys.permissionAnswersChannel(), JSON.stringify(message));
  }

  async addAlways(streamSessionId: string, toolName: string): Promise<void> {
    const key = this.keys.permissionAlways(streamSessionId);
    await this.redis.multi().sadd(key, toolName).expire(key, ALWAYS_GRANT_TTL_SECONDS).exec();
  }

  async hasAlways(streamSessionId: string, toolName: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.permissionAlways(streamSessionId), toolName)) === 1;
  }
}

const STATUSES: readonly string[] = ["pending", ...PERMISSION_OUTCOMES];

function toRecord(id: string, hash: Record<string, string>): PermissionRecord | null {
  const { workspaceId, sessionId, streamSessionId, runId, toolCallId, toolName, status, always, argumentsDigest } = hash;
  // A hash missing its fields is one that expired between two reads: treat it as gone.
  if (!workspaceId || !sessionId || !streamSessionId || !runId || !toolName || !status || !STATUSES.includes(status)) return null;
  return {
    id,
    workspaceId,
    sessionId,
    streamSessionId,
    runId,
    toolCallId: toolCallId ?? "",
    toolName,
    status: status as PermissionStatus,
    always: always === "1",
    ...(argumentsDigest ? { argumentsDigest } : {}),
  };
}
