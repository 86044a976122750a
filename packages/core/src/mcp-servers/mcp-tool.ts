/**
 * An MCP server's tool as an agent Tool. The server validates the arguments against its own
 * schema, so the zod schema only insists on an object and carries the server's JSON Schema as
 * metadata, which is what z.toJSONSchema (and so the model) sees.
 */
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { failed, type Tool, type ToolResult } from "../tools/tool";
import type { McpConnection, McpServerTool } from "./mcp-connection";

export const MCP_MAX_OUTPUT_CHARS = 30_000;

export interface McpToolLimits {
  callTimeoutMs: number;
  maxOutputChars: number;
}

export function mcpTool(name: string, connection: McpConnection, tool: McpServerTool, limits: McpToolLimits): Tool {
  const server = connection.entry.name;
  return {
    name,
    description: tool.description || `Tool ${tool.name} of the MCP server ${server}`,
    inputSchema: z.looseObject({}).meta(schemaMetadata(tool.inputSchema)),
    readOnly: tool.readOnly,
    requiresPermission: !tool.readOnly,
    category: "mcp",
    async run(input, context) {
      context.signal.throwIfAborted();
      if (!input || typeof input !== "object" || Array.isArray(input)) return failed(`Invalid input for ${name}: expected an object`);
      let result: CallToolResult;
      try {
        result = await connection.callTool(tool.name, input as Record<string, unknown>, { signal: context.signal, timeoutMs: limits.callTimeoutMs });
      } catch (error) {
        context.signal.throwIfAborted();
        return failed(callFailure(server, tool.name, error, limits.callTimeoutMs));
      }
      context.signal.throwIfAborted();
      return toToolResult(result, limits.maxOutputChars);
    },
  };
}

/** The server's schema as zod metadata: keys that would register it globally ($id, id) or clash stay out. */
function schemaMetadata(schema: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _schema, $id: _id, id: _legacyId, ...rest } = schema;
  return { ...rest, type: "object" };
}

function callFailure(server: string, tool: string, error: unknown, timeoutMs: number): string {
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return `The MCP tool ${tool} of ${server} did not answer within ${Math.round(timeoutMs / 1000)} s`;
  }
  return `The MCP tool ${tool} of ${server} failed: ${(error as Error)?.message ?? String(error)}`;
}

/** The result's content as text for the model (non-text parts described), capped at `maxChars`. */
export function toToolResult(result: CallToolResult, maxChars: number): ToolResult {
  const parts = (result.content ?? []).map((block) => {
    switch (block.type) {
      case "text":
        return block.text;
      case "image":
      case "audio":
        return `[${block.type} ${block.mimeType}, ${Math.floor((block.data.length * 3) / 4)} bytes]`;
      case "resource_link":
        return `[resource ${block.uri}${block.name ? ` (${block.name})` : ""}]`;
      case "resource":
        return "text" in block.resource
          ? block.resource.text
          : `[resource ${block.resource.uri}${block.resource.mimeType ? `, ${block.resource.mimeType}` : ""}]`;
      default:
        return `[${(block as { type: string }).type} content]`;
    }
  });
  if (parts.length === 0 && result.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  const isError = result.isError === true;
  let output = parts.join("\n");
  if (output === "") output = isError ? "The tool failed without saying why" : "(no output)";
  if (output.length > maxChars) output = `${output.slice(0, maxChars)}\n[output truncated: ${output.length - maxChars} more characters]`;
  return { output, isError };
}
