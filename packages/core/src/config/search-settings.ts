/** The settings of the agent's Search tool (search/), part of the one Config schema. */
import { z } from "zod";

const webRoot = z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" });

export const SEARCH_SETTINGS = {
  /**
   * Where the agent's Search tool looks things up. "auto": the session's model provider's own web
   * search (Anthropic, OpenAI, Gemini) on the workspace's credentials, else SearXNG, else Brave.
   * "none": no Search tool.
   */
  SEARCH_PROVIDER: z.enum(["auto", "searxng", "brave", "none"]).default("auto"),
  /** A SearXNG instance's root (its JSON format enabled); the deployment's choice, so it may be private. */
  SEARXNG_URL: webRoot.optional(),
  /** Brave Search API root; overridable for tests. Its key is the workspace's stored "brave" credential, else BRAVE_API_KEY. */
  BRAVE_SEARCH_BASE_URL: webRoot.default("https://api.search.brave.com"),
  /** Comma-separated hostnames: results only from these (and their subdomains); empty: any. */
  SEARCH_ALLOWED_DOMAINS: z.string().default(""),
  /** Comma-separated hostnames whose results (and subdomains') are always dropped; wins over every allow list. */
  SEARCH_BLOCKED_DOMAINS: z.string().default(""),
  /** How long one search may take before the tool reports a timeout. */
  SEARCH_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(20_000),
};
