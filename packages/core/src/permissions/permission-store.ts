/**
 * Permission requests, as one kind of the requests a run waits on (user-requests/): the fields a
 * permission adds (its tool, the arguments' digest, "always"), its outcomes, and the session's
 * "always" grants. Shared by the gate (worker side) and the answering service (API side).
 */
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";
import {
  requestOwner,
  SETTLED_REQUEST_TTL_MS,
  UserRequestStore,
  type CreateUserRequest,
  type UserRequestOwner,
  type UserRequestRecord,
} from "../user-requests/user-request-store";

export const PERMISSION_OUTCOMES = ["granted", "denied", "timeout", "cancelled"] as const;
export type PermissionSettledStatus = (typeof PERMISSION_OUTCOMES)[number];
export type PermissionStatus = "pending" | PermissionSettledStatus;

/** How long a settled request stays readable (a repeated answer is recognised, a late one gets a clear 409). */
export const SETTLED_PERMISSION_TTL_MS = SETTLED_REQUEST_TTL_MS;
/** "Always" grants of a session are forgotten after this long without a new one. */
export const ALWAYS_GRANT_TTL_SECONDS = 30 * 24 * 3_600;

export interface PermissionOwner extends UserRequestOwner {
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

export type SettleResult = { settled: true; record: PermissionRecord } | { settled: false; record: PermissionRecord | null };

export class PermissionStore {
  private readonly requests: UserRequestStore;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    this.requests = new UserRequestStore(redis, keys);
  }

  /** Stores a pending request; `event` is the payload of the `permission` event that shows it. */
  async create(id: string, owner: PermissionOwner, ttlMs: number, event: unknown = null): Promise<void> {
    await this.requests.create({ ...permissionRequest(id, owner, event), ttlMs });
  }

  async get(id: string): Promise<PermissionRecord | null> {
    return toPermission(await this.requests.get("permission", id));
  }

  /** Moves a pending request to `status`; a request already settled (or gone) is left alone. */
  async settle(
    request: Pick<PermissionRecord, "id" | "streamSessionId">,
    status: PermissionSettledStatus,
    options: { always?: boolean } = {},
  ): Promise<SettleResult> {
    const ref = { kind: "permission" as const, id: request.id, streamSessionId: request.streamSessionId };
    const { settled, record } = await this.requests.settle(ref, status, { always: options.always ? "1" : "0" });
    const permission = toPermission(record);
    return settled && permission ? { settled: true, record: permission } : { settled: false, record: permission };
  }

  /** Tells every waiting gate that `id` was answered (only the one waiting for it acts). */
  async publishAnswer(message: { id: string; status: PermissionSettledStatus }): Promise<void> {
    await this.requests.publishAnswer(message);
  }

  async addAlways(streamSessionId: string, toolName: string): Promise<void> {
    const key = this.keys.permissionAlways(streamSessionId);
    await this.redis.multi().sadd(key, toolName).expire(key, ALWAYS_GRANT_TTL_SECONDS).exec();
  }

  async hasAlways(streamSessionId: string, toolName: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.permissionAlways(streamSessionId), toolName)) === 1;
  }
}

/** A permission request as the request store keeps it; listed, since the run waits for its answer. */
export function permissionRequest(id: string, owner: PermissionOwner, event: unknown): Omit<CreateUserRequest, "ttlMs"> {
  const { toolName, argumentsDigest, ...requestOwner } = owner;
  const fields = { toolName, always: "0", ...(argumentsDigest ? { argumentsDigest } : {}) };
  return { kind: "permission", id, owner: requestOwner, fields, event, listed: true };
}

const STATUSES: readonly string[] = ["pending", ...PERMISSION_OUTCOMES];

/** The permission a stored request is; one missing its fields is one that expired between two reads. */
export function toPermission(record: UserRequestRecord | null): PermissionRecord | null {
  if (!record || record.kind !== "permission") return null;
  const { toolName, always, argumentsDigest } = record.fields;
  if (!toolName || !STATUSES.includes(record.status)) return null;
  return {
    id: record.id,
    ...requestOwner(record),
    toolName,
    status: record.status as PermissionStatus,
    always: always === "1",
    ...(argumentsDigest ? { argumentsDigest } : {}),
  };
}
