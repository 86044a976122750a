/**
 * The REST API's request limits, for tools: a call of a tool that is not read-only takes a token
 * from the key's and the workspace's buckets (by the workspace's plan, shared with the API's
 * instances through Redis), and send_message one from the key's message budget, as its REST
 * route does. Over a limit the call is a tool error (429, retry after N s) and nothing runs.
 */
import { rateLimitExceeded, type CountedRequest, type RateLimitBudgetName } from "@mix/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "./tool-context";
import { errorResult } from "./tool-result";

/** Tools that count against a budget of their own, as their REST routes do. */
const TOOL_BUDGETS: Readonly<Record<string, RateLimitBudgetName>> = { send_message: "messages" };

type ToolCallback = (...args: unknown[]) => unknown;
type ToolConfig = { annotations?: { readOnlyHint?: boolean } };

/** Makes every tool registered on `server` from now on count its calls before it runs. */
export function enforceToolLimits(server: McpServer, { services, principal }: Pick<ToolContext, "services" | "principal">): void {
  const register = server.registerTool.bind(server) as (name: string, config: unknown, callback: ToolCallback) => ReturnType<McpServer["registerTool"]>;
  const registerCounted = (name: string, config: ToolConfig, callback: ToolCallback) => {
    const counted: CountedRequest = { changesState: config.annotations?.readOnlyHint !== true, budget: TOOL_BUDGETS[name] };
    return register(name, config, async (...args: unknown[]) => {
      const result = await services.rateLimits.take(principal, counted);
      return result && !result.allowed ? errorResult(rateLimitExceeded(result)) : callback(...args);
    });
  };
  server.registerTool = registerCounted as McpServer["registerTool"];
}
