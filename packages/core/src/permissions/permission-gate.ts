/**
 * The worker side of permissions: before a tool runs, decides whether the user must be asked,
 * asks through a `permission` event on the top-level session's stream, and waits for the answer
 * from any API instance, through the process's AnswerWaiter (user-requests/), which every kind
 * of request a run makes shares.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import { argumentsDigest } from "../audit/arguments-digest";
import { SYSTEM_ACTOR, type AuditWriter } from "../audit/audit-entry";
import type { EventPayload } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";
import { AnswerWaiter } from "../user-requests/answer-waiter";
import { describePermission, permissionParams } from "./permission-description";
import { PermissionPolicies } from "./permission-policy";
import { permissionRequest, PermissionStore, toPermission, type PermissionOwner, type PermissionStatus } from "./permission-store";

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
  redis: RedisClient;
  /** A connection of its own for subscribing, owned by the caller (it may also carry other channels). */
  subscriber: RedisClient;
  keys: RedisKeys;
  events: EventLog;
  prisma: PrismaClient;
  /** No answer within this long counts as a denial. */
  timeoutMs: number;
  logger: Logger;
  /** How often a waiting request re-reads its decision (see AnswerWaiterDeps; default 5 s). */
  recheckMs?: number;
  /** The process's waiter, shared with the other requests its runs make (default: one of the gate's own). */
  waiter?: AnswerWaiter;
  /** Records a request the timeout denied (nobody answered); answers given are recorded where they are given. */
  audit?: AuditWriter;
}

type Settled = Exclude<PermissionStatus, "pending">;

export class PermissionGate {
  private readonly store: PermissionStore;
  private readonly policies: PermissionPolicies;
  private readonly waiter: AnswerWaiter;

  constructor(private readonly deps: PermissionGateDeps) {
    this.store = new PermissionStore(deps.redis, deps.keys);
    this.policies = new PermissionPolicies(deps.prisma, undefined, deps.logger);
    this.waiter = deps.waiter ?? new AnswerWaiter(deps);
  }

  /** Subscribes to the answers (once per waiter). */
  start(): Promise<void> {
    return this.waiter.start();
  }

  /** Resolves once the call may run or must not; rejects with `signal.reason` when the run is cancelled. */
  async ask(request: PermissionAsk, signal: AbortSignal): Promise<PermissionOutcome> {
    if (!this.waiter.isStarted) throw new Error("PermissionGate.start() must finish before ask()");
    signal.throwIfAborted();
    const required = await this.policies.requiresPermission(request.workspaceId, request.toolName, request.defaultRequired);
    if (!required) return { granted: true, via: "not_required" };
    if (await this.store.hasAlways(request.streamSessionId, request.toolName)) return { granted: true, via: "always" };
    signal.throwIfAborted();

    const id = randomUUID();
    const event = permissionEvent(id, request);
    const record = await this.waiter.ask({
      request: permissionRequest(id, ownerOf(request), event),
      show: async () => Number((await this.deps.events.append(request.streamSessionId, "permission", event)).id),
      timeoutMs: this.deps.timeoutMs,
      signal,
    });
    const status = settledStatus(toPermission(record)?.status);
    if (status === "timeout") await this.recordTimeout(id, request);
    return outcome(status, request.toolName, this.deps.timeoutMs);
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

/** A record that vanished or holds no known outcome counts as unanswered. */
function settledStatus(status: PermissionStatus | undefined): Settled {
  return !status || status === "pending" ? "timeout" : status;
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
