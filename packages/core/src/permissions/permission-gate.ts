/**
 * The worker side of permissions: before a tool runs, decides whether the user must be asked,
 * asks through a `permission` event on the top-level session's stream, and waits for the answer
 * from any API instance. Answers arrive on one channel that every gate subscribes to once (one
 * connection per process, routed here by permission id); the decision is also kept on the
 * request itself, so an answer whose message this process missed is still found.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { Redis } from "ioredis";
import { argumentsDigest } from "../audit/arguments-digest";
import { SYSTEM_ACTOR, type AuditWriter } from "../audit/audit-entry";
import type { EventPayload } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";
import { describePermission, permissionParams } from "./permission-description";
import { PermissionPolicies } from "./permission-policy";
import {
  PENDING_TTL_MARGIN_MS,
  PermissionAnswerMessage,
  PermissionStore,
  type PermissionOwner,
  type PermissionRecord,
  type PermissionStatus,
} from "./permission-store";

/** Who asks (see PermissionOwner: the asking session, the stream that shows it, the run, the call). */
export interface PermissionAsk extends PermissionOwner {
  /** The parsed tool input. */
  input: unknown;
  /** Whether this tool asks by default (tool.requiresPermission) when the workspace has no policy. */
  defaultRequired: boolean;
  /** Set when a subagent asks: the permission event is tagged with it. */
  parentToolCallId?: string;
}

export type PermissionOutcome =
  | { granted: true; via: "not_required" | "always" | "granted" }
  /** `message` is what the model is told, as the tool's result. */
  | { granted: false; via: "denied" | "timeout"; message: string };

export interface PermissionGateDeps {
  redis: Redis;
  /** A connection of its own for subscribing, owned by the caller (it may also carry other channels). */
  subscriber: Redis;
  keys: RedisKeys;
  events: EventLog;
  prisma: PrismaClient;
  /** No answer within this long counts as a denial. */
  timeoutMs: number;
  logger: Logger;
  /**
   * How often a waiting request re-reads its decision (default 5 s). Pub/sub delivers at most
   * once: a message lost while the subscriber reconnects would otherwise leave the tool waiting
   * until the timeout.
   */
  recheckMs?: number;
  /** Records a request the timeout denied (nobody answered); answers given are recorded where they are given. */
  audit?: AuditWriter;
}

const DEFAULT_RECHECK_MS = 5_000;

type Settled = Exclude<PermissionStatus, "pending">;

export class PermissionGate {
  private readonly store: PermissionStore;
  private readonly policies: PermissionPolicies;
  /** Requests this process waits for, by permission id. */
  private readonly waiting = new Map<string, (status: Settled) => void>();
  private started = false;

  constructor(private readonly deps: PermissionGateDeps) {
    this.store = new PermissionStore(deps.redis, deps.keys);
    this.policies = new PermissionPolicies(deps.prisma, undefined, deps.logger);
  }

  async start(): Promise<void> {
    const channel = this.deps.keys.permissionAnswersChannel();
    this.deps.subscriber.on("message", (from: string, message: string) => {
      if (from === channel) this.handle(message);
    });
    await this.deps.subscriber.subscribe(channel);
    this.started = true;
  }

  /** Resolves once the call may run or must not; rejects with `signal.reason` when the run is cancelled. */
  async ask(request: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome> {
    if (!this.started) throw new Error("PermissionGate.start() must finish before ask()");
    signal.throwIfAborted();
    const required = await this.policies.requiresPermission(request.workspaceId, request.toolName, request.defaultRequired);
    if (!required) return { granted: true, via: "not_required" };
    if (await this.store.hasAlways(request.streamSessionId, request.toolName)) return { granted: true, via: "always" };
    signal.throwIfAborted();

    const id = randomUUID();
    // Listening starts before the request exists, so no answer to it can come unheard.
    const answered = new Promise<Settled>((resolve) => this.waiting.set(id, resolve));
    try {
      await this.store.create(id, ownerOf(request), this.deps.timeoutMs + PENDING_TTL_MARGIN_MS);
      await this.deps.events.append(request.streamSessionId, "permission", permissionEvent(id, request));
      const status = await this.waitForDecision(id, answered, signal);
      if (status === "timeout") await this.recordTimeout(id, request);
      return outcome(status, request.toolName, this.deps.timeoutMs);
    } finally {
      this.waiting.delete(id);
    }
  }

  private waitForDecision(id: string, answered: Promise<Settled>, signal: AbortSignal): Promise<Settled> {
    return new Promise<Settled>((resolve, reject) => {
      let done = false;
      const finish = (status: Settled) => {
        if (done) return;
        done = true;
        cleanup();
        resolve(status);
      };
      const fail = (error: unknown) => {
        if (done) return;
        done = true;
        cleanup();
        reject(error);
      };
      const recheck = () =>
        this.store.get(id).then((record) => {
          if (record && record.status !== "pending") finish(record.status);
        }, fail);

      const onAbort = () => {
        done = true;
        cleanup();
        // Settled so a late answer learns the run moved on; the cancel itself must not wait on Redis.
        this.store.settle(id, "cancelled").catch((error: unknown) => this.deps.logger.warn({ err: error, id }, "could not mark a permission cancelled"));
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        // Whoever settles first wins: an answer that landed just now still counts.
        this.store.settle(id, "timeout").then(({ settled, record }) => finish(settled || !record ? "timeout" : settledStatus(record)), fail);
      }, this.deps.timeoutMs);
      const poll = setInterval(() => void recheck(), this.deps.recheckMs ?? DEFAULT_RECHECK_MS);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        signal.removeEventListener("abort", onAbort);
      };

      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) return onAbort();
      answered.then(finish, fail);
      // An answer given before this process was subscribed (or while it reconnected) is on the request.
      void recheck();
    });
  }

  /** The denial nobody gave: recorded as the system's. A failure to record never fails the run. */
  private async recordTimeout(id: string, request: PermissionAsk): Promise<void> {
    const { workspaceId, sessionId, runId, toolCallId, toolName } = request;
    try {
      await this.deps.audit?.record({
        workspaceId,
        actor: SYSTEM_ACTOR,
        action: "permission.denied",
        target: { type: "session", id: sessionId },
        details: { permissionId: id, tool: toolName, runId, toolCallId, argumentsDigest: argumentsDigest(request.input), reason: "timeout" },
      });
    } catch (error) {
      this.deps.logger.error({ err: error, id }, "could not record a permission timeout in the audit log");
    }
  }

  private handle(raw: string): void {
    const parsed = PermissionAnswerMessage.safeParse(safeJson(raw));
    if (!parsed.success) {
      this.deps.logger.warn({ raw: raw.slice(0, 200) }, "ignoring malformed permission answer");
      return;
    }
    this.waiting.get(parsed.data.id)?.(parsed.data.status);
  }
}

function ownerOf(request: PermissionAsk): PermissionOwner {
  const { workspaceId, sessionId, streamSessionId, runId, toolCallId, toolName } = request;
  return { workspaceId, sessionId, streamSessionId, runId, toolCallId, toolName, argumentsDigest: argumentsDigest(request.input) };
}

function permissionEvent(id: string, request: PermissionAsk): EventPayload<"permission"> {
  const { description, action, path } = describePermission(request.toolName, request.input);
  const payload: EventPayload<"permission"> = {
    type: "permission",
    id,
    sessionId: request.sessionId,
    toolName: request.toolName,
    description,
    action,
  };
  if (path !== undefined) payload.path = path;
  const params = permissionParams(request.input);
  if (params !== undefined) payload.params = params;
  if (request.parentToolCallId !== undefined) payload.parentToolCallId = request.parentToolCallId;
  return payload;
}

function settledStatus(record: PermissionRecord): Settled {
  return record.status === "pending" ? "timeout" : record.status;
}

function outcome(status: Settled, toolName: string, timeoutMs: number): PermissionOutcome {
  switch (status) {
    case "granted":
      return { granted: true, via: "granted" };
    case "denied":
      return { granted: false, via: "denied", message: `The user denied permission to run ${toolName}.` };
    default:
      // "cancelled" only reaches here if the run was cancelled by another path; it is no grant.
      return {
        granted: false,
        via: "timeout",
        message: `Permission to run ${toolName} was not answered within ${formatDuration(timeoutMs)}, so it was denied.`,
      };
  }
}

function formatDuration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  const seconds = Math.round(ms / 1_000);
  return seconds % 60 === 0 ? `${seconds / 60} minute${seconds === 60 ? "" : "s"}` : `${seconds} seconds`;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // reported by the schema check that follows
  }
}
