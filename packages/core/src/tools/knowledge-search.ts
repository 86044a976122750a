/**
 * knowledge_search: the workspace's own documents (knowledge/), searched with Postgres full-text
 * search. Read-only and asked without permission: it reads only what the workspace added, and
 * nothing leaves the server. Each result carries its document id and title, so the agent can
 * cite where an answer came from.
 */
import { z } from "zod";
import { MAX_KNOWLEDGE_SEARCH_RESULTS } from "../contracts";
import { defineTool, failed, ok } from "./tool";

export const KNOWLEDGE_SEARCH_TOOL_NAME = "knowledge_search";
const DEFAULT_RESULTS = 5;
const MAX_QUERY_CHARS = 1_000;

const input = z.strictObject({
  query: z.string().trim().min(1).max(MAX_QUERY_CHARS).describe('What to look for: words, "a phrase", OR between alternatives, -word to exclude'),
  limit: z.int().min(1).max(MAX_KNOWLEDGE_SEARCH_RESULTS).default(DEFAULT_RESULTS).describe("How many passages to return"),
});

export const knowledgeSearchTool = defineTool({
  // Not one of the contract's core tool names: spelled like web_fetch.
  name: KNOWLEDGE_SEARCH_TOOL_NAME,
  description:
    "Searches the workspace's knowledge sources (documents, pages and files its team added) and returns the best matching passages, " +
    "each with its document's title and id. Use it for questions about the team, its product or its own material; cite what you use " +
    "by the document's title.",
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "search",
  async execute({ query, limit }, context) {
    if (!context.knowledge) return failed("knowledge_search is not available here: this run has no workspace knowledge wired");
    const hits = await context.knowledge.search(query, limit);
    context.signal.throwIfAborted();
    if (hits.length === 0) return ok(`No passage of the workspace's knowledge matches "${query}".`);
    const passages = hits.map(
      (hit, index) => `[${index + 1}] ${hit.title} (document ${hit.documentId}, part ${hit.position + 1}, score ${hit.score.toFixed(3)})\n${hit.content}`,
    );
    return ok(`${hits.length} passage${hits.length === 1 ? "" : "s"} for "${query}":\n\n${passages.join("\n\n")}`);
  },
});
