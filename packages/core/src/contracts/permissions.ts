/**
 * `/api/permissions`: answers to a run's permission requests (the contract's grant and deny), and
 * the workspace's policy of which tools ask first (beyond the contract).
 */
import { z } from "zod";
import { safeString } from "./text";

/** Grant's optional body; unknown fields are refused so a misspelt `always` is not silently a one-off grant. */
export const GrantPermissionRequest = z.strictObject({
  always: z
    .boolean({ error: "always must be a boolean" })
    .optional()
    .describe("Also grant every later call of this tool in this session (and its subagents) without asking"),
});
export type GrantPermissionRequest = z.infer<typeof GrantPermissionRequest>;

/** Deny takes no options; a body, when sent, must be an empty object. */
export const DenyPermissionRequest = z.strictObject({});
export type DenyPermissionRequest = z.infer<typeof DenyPermissionRequest>;

export const GrantPermissionResponse = z.object({ granted: z.boolean().describe("Whether permission was granted") });
export type GrantPermissionResponse = z.infer<typeof GrantPermissionResponse>;

export const DenyPermissionResponse = z.object({ denied: z.boolean().describe("Whether permission was denied") });
export type DenyPermissionResponse = z.infer<typeof DenyPermissionResponse>;

/** Bounds that only stop nonsense: there are a dozen built-in tools and a few per MCP server. */
export const MAX_POLICY_TOOLS = 500;
export const MAX_TOOL_NAME_LENGTH = 128;

export const UpdatePermissionPolicyRequest = z.strictObject({
  tools: z
    .array(
      safeString({ error: "tools must be an array of tool names" })
        .min(1, "tool names must not be empty")
        .max(MAX_TOOL_NAME_LENGTH, `tool names must be at most ${MAX_TOOL_NAME_LENGTH} characters`),
      { error: (issue) => (issue.input === undefined ? "tools is required" : "tools must be an array of tool names") },
    )
    .max(MAX_POLICY_TOOLS, `tools must list at most ${MAX_POLICY_TOOLS} names`)
    .describe("Exactly the tools that ask before they run (built-in names, or MCP tools as server_tool); [] asks for none"),
});
export type UpdatePermissionPolicyRequest = z.infer<typeof UpdatePermissionPolicyRequest>;

export const PermissionPolicyResponse = z.object({
  tools: z.array(z.string()).describe("The tools that ask before they run (for the default: the built-in tools that ask)"),
  isDefault: z.boolean().describe("No policy set: built-in tools ask as listed, and each MCP tool asks as its server declares"),
});
export type PermissionPolicyResponse = z.infer<typeof PermissionPolicyResponse>;
