/**
 * Which tools ask the user before they run, per workspace. No policy (the column is null) means
 * the default: each tool asks as it declares (`requiresPermission`). A policy is the exact set
 * of tool names that ask; every other tool runs without asking.
 */
import { Prisma, type PrismaClient } from "@mix/db";
import { z } from "zod";
import type { PermissionPolicyResponse, UpdatePermissionPolicyRequest } from "../contracts";
import { validationError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import type { Tool } from "../tools/tool";
import { BUILTIN_TOOLS } from "../tools/tool-registry";

/** The shape of Workspace.permissionPolicy. */
export const StoredPermissionPolicy = z.object({ tools: z.array(z.string()) });
export type StoredPermissionPolicy = z.infer<typeof StoredPermissionPolicy>;

/** The contract's ToolName pattern for MCP tools: `{serverName}_{toolName}`. */
export const MCP_TOOL_NAME_PATTERN = /^[a-zA-Z0-9_]+_[a-zA-Z0-9_]+$/;

/** Whether a call of `toolName` must ask, under `policy` (null: the tool's own default). */
export function policyRequiresPermission(policy: StoredPermissionPolicy | null, toolName: string, defaultRequired: boolean): boolean {
  return policy ? policy.tools.includes(toolName) : defaultRequired;
}

export class PermissionPolicies {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tools: readonly Tool[] = BUILTIN_TOOLS,
    private readonly logger?: Logger,
  ) {}

  /** The workspace's policy, or null for the default (also when the stored value is unreadable). */
  async read(workspaceId: string): Promise<StoredPermissionPolicy | null> {
    const workspace = await this.prisma.workspace.findUnique({ where: { id: workspaceId }, select: { permissionPolicy: true } });
    const stored = workspace?.permissionPolicy;
    if (stored === null || stored === undefined) return null;
    const parsed = StoredPermissionPolicy.safeParse(stored);
    if (parsed.success) return parsed.data;
    // Only this service writes the column; a bad value is a bug or a hand edit. Asking as the
    // tools declare is the safe reading of it.
    this.logger?.warn({ workspaceId }, "ignoring an unreadable permission policy; using the default");
    return null;
  }

  async requiresPermission(workspaceId: string, toolName: string, defaultRequired: boolean): Promise<boolean> {
    return policyRequiresPermission(await this.read(workspaceId), toolName, defaultRequired);
  }

  async view(workspaceId: string): Promise<PermissionPolicyResponse> {
    const policy = await this.read(workspaceId);
    if (policy) return { tools: policy.tools, isDefault: false };
    return { tools: this.tools.filter((tool) => tool.requiresPermission).map((tool) => tool.name), isDefault: true };
  }

  /** Replaces the policy; every name must be a built-in tool or look like an MCP tool (400 otherwise). */
  async set(workspaceId: string, request: UpdatePermissionPolicyRequest): Promise<PermissionPolicyResponse> {
    const builtin = this.tools.map((tool) => tool.name);
    const unknown = request.tools.filter((name) => !builtin.includes(name) && !MCP_TOOL_NAME_PATTERN.test(name));
    if (unknown.length > 0) {
      throw validationError(
        `unknown tool name(s): ${unknown.slice(0, 10).join(", ")}; use built-in tools (${builtin.join(", ")}) ` + "or MCP tools named server_tool",
      );
    }
    const policy: StoredPermissionPolicy = { tools: [...new Set(request.tools)] };
    await this.prisma.workspace.update({ where: { id: workspaceId }, data: { permissionPolicy: policy } });
    return { tools: policy.tools, isDefault: false };
  }

  async reset(workspaceId: string): Promise<PermissionPolicyResponse> {
    await this.prisma.workspace.update({ where: { id: workspaceId }, data: { permissionPolicy: Prisma.DbNull } });
    return this.view(workspaceId);
  }
}
