/**
 * What a run asks the user and waits for, in Redis: a permission request, or a notification (a
 * notice or a question). One store for every kind, so the rules of a request's life are written
 * once: a request is a hash holding its owner, its status and its kind's own fields; the status
 * changes once, from "pending" to its outcome, in one atomic step, so an answer and the timeout
 * can never both win. Requests that wait for an answer are also listed per top-level session, by
 * the id of the event that showed them, so a client that connects later is shown what waits for
 * it and was shown before its start point (what comes after, its stream delivers).
 */
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";

export type UserRequestKind = "permission" | "notification";

/** Who asks: the run, its tool call, and the top-level session whose stream shows the request. */
export interface UserRequestOwner {
  workspaceId: string;
  /** The session whose tool asks (a subagent's own session). */
  sessionId: string;
  /** The top-level session: its stream shows the request. */
  streamSessionId: string;
  runId: string;
  toolCallId: string;
}

export interface UserRequestRecord extends UserRequestOwner {
  kind: UserRequestKind;
  id: string;
  /** "pending", then the kind's outcome (granted, answered, timeout, cancelled, ...). */
  status: string;
  /** The kind's own fields, as stored. */
  fields: Record<string, string>;
  /** The SSE event's payload that showed the request, for showing it again. */
  event: unknown;
  createdAt: number;
}

/** A reference to a request, enough to settle it (its session's pending list is keyed by the top-level session). */
export type UserRequestRef = Pick<UserRequestRecord, "kind" | "id" | "streamSessionId">;

export type UserRequestSettleResult = { settled: true; record: UserRequestRecord } | { settled: false; record: UserRequestRecord | null };

/**
 * How long a settled request stays readable: a repeated answer is recognised (idempotent), and
 * an answer after the timeout or a cancel gets a clear answer instead of a bare "unknown".
 */
export const SETTLED_REQUEST_TTL_MS = 3_600_000;
/** A pending request outlives its timeout by this much, so the timeout finds it to settle. */
export const PENDING_TTL_MARGIN_MS = 60_000;

/** What travels on the answers channel; the hash stays the truth. */
export interface UserRequestAnswerMessage {
  id: string;
  status: string;
}

const OWNER_FIELDS = ["workspaceId", "sessionId", "streamSessionId", "runId", "toolCallId"] as const;
const RESERVED = new Set<string>([...OWNER_FIELDS, "status", "event", "createdAt"]);

// KEYS: the request hash. ARGV: new status, settled ttl (ms), then field/value pairs.
// Returns the status before the call (nil when the request does not exist). The session's pending
// list is another slot on a cluster (the hash is keyed by id alone), so the settler drops the
// request from it next; a reader that comes between skips it anyway, as settled.
const SETTLE_SCRIPT = `
local current = redis.call('HGET', KEYS[1], 'status')
if not current then return nil end
if current == 'pending' then
  redis.call('HSET', KEYS[1], 'status', ARGV[1])
  for i = 3, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return current
`;

type RedisWithSettle = RedisClient & {
  mixSettleUserRequest(key: string, status: string, ttlMs: number, ...fields: string[]): Promise<string | null>;
};

export interface CreateUserRequest {
  kind: UserRequestKind;
  id: string;
  owner: UserRequestOwner;
  fields: Record<string, string>;
  event: unknown;
  ttlMs: number;
  /** Listed among the session's pending requests once shown, until settled: it waits for the user's answer. */
  listed: boolean;
}

export class UserRequestStore {
  private readonly redis: RedisWithSettle;

  constructor(
    redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {
    if (!("mixSettleUserRequest" in redis)) redis.defineCommand("mixSettleUserRequest", { numberOfKeys: 1, lua: SETTLE_SCRIPT });
    this.redis = redis as RedisWithSettle;
  }

  async create(request: CreateUserRequest): Promise<void> {
    const { kind, id, owner, fields, ttlMs } = request;
    for (const name of Object.keys(fields)) if (RESERVED.has(name)) throw new Error(`${name} is a reserved request field`);
    const key = this.keys.userRequest(kind, id);
    const createdAt = Date.now();
    const hash = { ...pick(owner), ...fields, status: "pending", event: JSON.stringify(request.event), createdAt: String(createdAt) };
    await this.redis.multi().hset(key, hash).pexpire(key, ttlMs).exec();
  }

  /**
   * Lists a request as pending in its session once the event `eventId` showed it. A request
   * answered meanwhile (its client saw the event live) is dropped when the list is read.
   */
  async listShown(ref: UserRequestRef, eventId: number, ttlMs: number): Promise<void> {
    const list = this.keys.pendingUserRequests(ref.streamSessionId);
    // The list lives as long as its longest-lived entry; entries whose hash expired are dropped when read.
    await this.redis.multi().zadd(list, eventId, member(ref.kind, ref.id)).pexpire(list, ttlMs, "GT").pexpire(list, ttlMs, "NX").exec();
  }

  async get(kind: UserRequestKind, id: string): Promise<UserRequestRecord | null> {
    return toRecord(kind, id, await this.redis.hgetall(this.keys.userRequest(kind, id)));
  }

  /** Moves a pending request to `status` with `fields`; a request already settled (or gone) is left alone. */
  async settle(ref: UserRequestRef, status: string, fields: Record<string, string> = {}): Promise<UserRequestSettleResult> {
    const pairs = Object.entries(fields).flat();
    const before = await this.redis.mixSettleUserRequest(this.keys.userRequest(ref.kind, ref.id), status, SETTLED_REQUEST_TTL_MS, ...pairs);
    if (before === "pending") await this.redis.zrem(this.keys.pendingUserRequests(ref.streamSessionId), member(ref.kind, ref.id));
    const record = await this.get(ref.kind, ref.id);
    if (before === "pending" && record) return { settled: true, record };
    return { settled: false, record };
  }

  /** Tells every waiting process that `id` was answered (only the one waiting for it acts). */
  async publishAnswer(message: UserRequestAnswerMessage): Promise<void> {
    await this.redis.publish(this.keys.userRequestAnswersChannel(), JSON.stringify(message));
  }

  /** The requests of a top-level session that still wait for an answer, oldest first; `shownUpTo`: only those shown by that event id or before. */
  async pending(streamSessionId: string, shownUpTo?: number): Promise<UserRequestRecord[]> {
    const list = this.keys.pendingUserRequests(streamSessionId);
    const members = await this.redis.zrangebyscore(list, "-inf", shownUpTo === undefined ? "+inf" : String(shownUpTo));
    const found: UserRequestRecord[] = [];
    const gone: string[] = [];
    for (const entry of members) {
      const [kind, id] = parseMember(entry);
      const record = kind && id ? await this.get(kind, id) : null;
      if (record?.status === "pending") found.push(record);
      else gone.push(entry);
    }
    // Expired while pending (Redis lost it, or a worker died before settling): nothing waits for it any more.
    if (gone.length > 0) await this.redis.zrem(list, ...gone);
    return found;
  }
}

/** The owner fields of a stored request, for the kinds that build their own records on it. */
export function requestOwner(record: UserRequestRecord): UserRequestOwner {
  const { workspaceId, sessionId, streamSessionId, runId, toolCallId } = record;
  return { workspaceId, sessionId, streamSessionId, runId, toolCallId };
}

const member = (kind: UserRequestKind, id: string) => `${kind}:${id}`;

function parseMember(entry: string): [UserRequestKind | undefined, string | undefined] {
  const at = entry.indexOf(":");
  const kind = entry.slice(0, at);
  return kind === "permission" || kind === "notification" ? [kind, entry.slice(at + 1)] : [undefined, undefined];
}

function pick(owner: UserRequestOwner): Record<string, string> {
  return Object.fromEntries(OWNER_FIELDS.map((name) => [name, owner[name]]));
}

function toRecord(kind: UserRequestKind, id: string, hash: Record<string, string>): UserRequestRecord | null {
  const { workspaceId, sessionId, streamSessionId, runId, toolCallId, status, event, createdAt, ...fields } = hash;
  // A hash missing its fields is one that expired between two reads: treat it as gone.
  if (!workspaceId || !sessionId || !streamSessionId || !runId || !status) return null;
  return {
    kind,
    id,
    workspaceId,
    sessionId,
    streamSessionId,
    runId,
    toolCallId: toolCallId ?? "",
    status,
    fields,
    event: parseJson(event),
    createdAt: Number(createdAt ?? 0),
  };
}

function parseJson(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // written by create() as JSON; anything else is no event to show
  }
}
