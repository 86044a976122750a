/**
 * Search: the web, through the deployment's search backend (search/: the session model's
 * provider's own search, SearXNG or Brave). Read-only and asked without permission, though it
 * sends the query to that third party; results outside the deployment's domain rules, and any
 * URL that is not http(s), never reach the agent.
 */
import { z } from "zod";
import { MAX_DOMAINS_PER_LIST } from "../search/domain-rules";
import { formatResults } from "../search/search-results";
import { searchOffered } from "../search/search-service";
import { SearchError } from "../search/search-types";
import type { Config } from "../config/config";
import { defineTool, failed, type Tool } from "./tool";

export const SEARCH_TOOL_NAME = "Search";
export const MAX_QUERY_CHARS = 400;
export const DEFAULT_MAX_RESULTS = 8;

// Control characters (NUL and newlines included) have no place in a query and could split it.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const hostnames = (what: string) =>
  z
    .array(z.string().min(1).max(253))
    .max(MAX_DOMAINS_PER_LIST)
    .optional()
    .describe(`${what} (hostnames such as example.com; subdomains included; at most ${MAX_DOMAINS_PER_LIST})`);

const input = z.strictObject({
  query: z
    .string()
    .trim()
    .min(1)
    .max(MAX_QUERY_CHARS)
    .refine((query) => !CONTROL.test(query), "must not contain control characters or line breaks")
    .describe("What to search the web for"),
  maxResults: z.int().min(1).max(20).default(DEFAULT_MAX_RESULTS).describe("How many results to return"),
  allowedDomains: hostnames("Only return results from these sites"),
  blockedDomains: hostnames("Never return results from these sites"),
});

export const searchTool = defineTool({
  name: SEARCH_TOOL_NAME,
  description:
    "Searches the web and returns a numbered list of results with their titles, URLs and snippets. " +
    "Use it for current information or to find pages to read with web_fetch. allowedDomains and blockedDomains narrow the results " +
    "(the server may restrict them further).",
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "search",
  async execute({ query, maxResults, allowedDomains, blockedDomains }, context) {
    if (!context.search) return failed("Search is not available here: the server has no search configured for this run");
    try {
      const outcome = await context.search.search({ query, maxResults, allowedDomains, blockedDomains }, context.signal);
      return formatResults(query, outcome.backend, outcome.hits, outcome.summary);
    } catch (error) {
      context.signal.throwIfAborted();
      if (error instanceof SearchError) return failed(`Search failed: ${error.message}`);
      throw error;
    }
  },
});

/** The built-in tools the deployment offers: without Search when SEARCH_PROVIDER=none. */
export function offeredBuiltinTools(tools: readonly Tool[], config: Pick<Config, "SEARCH_PROVIDER">): Tool[] {
  return searchOffered(config) ? [...tools] : tools.filter((tool) => tool.name !== SEARCH_TOOL_NAME);
}
