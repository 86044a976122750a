/**
 * Answers to permission requests and the workspace's permission policy, for every transport
 * (the REST API, the MCP server's answer tool). An answer settles the request in Redis and
 * tells the waiting gate, on whichever worker it runs.
 *
 * Answer rules:
 * - unknown, expired, or another workspace's id: 404;
 * - the same answer again (grant after grant, deny after deny): 200, changing nothing more than
 *   a grant's `always` (a client may retry after a lost response);
 * - the opposite answer, or any answer after the request timed out or its run was cancelled: 409.
 */
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import { SYSTEM_ACTOR, type Actor, type AuditWriter } from "../audit/audit-entry";
import type {
  DenyPermissionResponse,
  GrantPermissionRequest,
  GrantPermissionResponse,
  PermissionPolicyResponse,
  UpdatePermissionPolicyRequest,
} from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";
import type { Tool } from "../tools/tool";
import { PermissionPolicies } from "./permission-policy";
import { PermissionStore, type PermissionRecord } from "./permission-store";

export interface PermissionsServiceDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  keys: RedisKeys;
  /** The built-in tools a policy may name (default: BUILTIN_TOOLS). */
  tools?: readonly Tool[];
  logger?: Logger;
  /** Records each answer that settled a request (who, session, tool, the arguments' digest). */
  audit?: AuditWriter;
}

type Answer = "granted" | "denied";

export class PermissionsService {
  private readonly store: PermissionStore;
  private readonly policies: PermissionPolicies;
  private readonly audit: AuditWriter | undefined;

  constructor(deps: PermissionsServiceDeps) {
    this.audit = deps.audit;
    this.store = new PermissionStore(deps.redis, deps.keys);
    this.policies = new PermissionPolicies(deps.prisma, deps.tools, deps.logger);
  }

  async grant(workspaceId: string, permissionId: string, options: GrantPermissionRequest = {}, actor: Actor = SYSTEM_ACTOR): Promise<GrantPermissionResponse> {
    const always = options.always === true;
    const { record, settled } = await this.answer(workspaceId, permissionId, "granted", always);
    // Recorded before the waiting gate hears of the grant, so the run's next call of this tool
    // already finds it. A repeated grant may add "always" to a grant given without it.
    if (always) await this.store.addAlways(record.streamSessionId, record.toolName);
    await this.announce(record, settled, actor, "granted");
    return { granted: true };
  }

  async deny(workspaceId: string, permissionId: string, actor: Actor = SYSTEM_ACTOR): Promise<DenyPermissionResponse> {
    const { record, settled } = await this.answer(workspaceId, permissionId, "denied", false);
    await this.announce(record, settled, actor, "denied");
    return { denied: true };
  }

  getPolicy(workspaceId: string): Promise<PermissionPolicyResponse> {
    return this.policies.view(workspaceId);
  }

  setPolicy(workspaceId: string, request: UpdatePermissionPolicyRequest): Promise<PermissionPolicyResponse> {
    return this.policies.set(workspaceId, request);
  }

  resetPolicy(workspaceId: string): Promise<PermissionPolicyResponse> {
    return this.policies.reset(workspaceId);
  }

  /**
   * Audits the answer that settled the request (a repeat is not a new decision), then tells the
   * gate, even if recording failed: the answer stands either way, and the run should not wait.
   */
  private async announce(record: PermissionRecord, settled: boolean, actor: Actor, status: Answer): Promise<void> {
    try {
      if (settled) {
        await this.audit?.record({
          workspaceId: record.workspaceId,
          actor,
          action: status === "granted" ? "permission.granted" : "permission.denied",
          target: { type: "session", id: record.sessionId },
          details: {
            permissionId: record.id,
            tool: record.toolName,
            runId: record.runId,
            toolCallId: record.toolCallId,
            argumentsDigest: record.argumentsDigest ?? null,
            ...(status === "granted" ? { always: record.always } : {}),
          },
        });
      }
    } finally {
      await this.store.publishAnswer({ id: record.id, status });
    }
  }

  /** Settles the request with `answer`; a repeat of the same answer is accepted as it stands. */
  private async answer(workspaceId: string, permissionId: string, answer: Answer, always: boolean): Promise<{ record: PermissionRecord; settled: boolean }> {
    const existing = await this.store.get(permissionId);
    // Another workspace's request is reported exactly like a missing one: ids reveal nothing.
    if (!existing || existing.workspaceId !== workspaceId) throw notFound(`Permission ${permissionId}`);
    const { settled, record } = await this.store.settle(existing, answer, { always });
    if (!record) throw notFound(`Permission ${permissionId}`);
    if (settled || record.status === answer) return { record, settled };
    throw conflict(alreadySettledMessage(permissionId, record));
  }
}

function alreadySettledMessage(permissionId: string, record: PermissionRecord): string {
  switch (record.status) {
    case "granted":
      return `Permission ${permissionId} was already granted`;
    case "denied":
      return `Permission ${permissionId} was already denied`;
    case "timeout":
      return `Permission ${permissionId} was not answered in time and was denied; the run went on without it`;
    default:
      return `Permission ${permissionId} can no longer be answered: its run was cancelled`;
  }
}
