/**
 * The deployment's search (SEARCH_PROVIDER and the rest), bound to one run: which backend a
 * call uses, the domain rules every result passes, and the clean results. Built once per worker;
 * `forRun` is cheap (credentials are read only when a search is made).
 */
import type { PrismaClient } from "@mix/db";
import type { Config } from "../config/config";
import { providerCatalog } from "../models/catalog/provider-catalog";
import { hasProviderWebSearch } from "../models/providers/provider-web-search";
import type { ProviderSecrets } from "../models/selection/model-selector";
import { BraveBackend } from "./brave-backend";
import { DomainListError, DomainPolicy, parseDomainCsv, parseDomainList, type DomainRules } from "./domain-rules";
import { ProviderSearchBackend } from "./provider-search-backend";
import { cleanHits } from "./search-results";
import { SearchError, type SearchBackend, type SearchHit } from "./search-types";
import { SearxngBackend } from "./searxng-backend";

export type SearchConfig = Pick<
  Config,
  | "SEARCH_PROVIDER"
  | "SEARXNG_URL"
  | "BRAVE_SEARCH_BASE_URL"
  | "SEARCH_ALLOWED_DOMAINS"
  | "SEARCH_BLOCKED_DOMAINS"
  | "SEARCH_TIMEOUT_MS"
  | "ANTHROPIC_BASE_URL"
  | "OPENAI_BASE_URL"
  | "GEMINI_BASE_URL"
>;

export interface SearchServiceDeps {
  config: SearchConfig;
  /** The workspaces' stored keys, env keys as fallback (CredentialsService): a provider's, and Brave's. */
  credentials: ProviderSecrets;
  prisma: PrismaClient;
  /**
   * Asked before a search on the model provider's own (paid) search: a workspace out of credits
   * makes none, as it makes no model call (credits/; the search's own cost is not metered yet).
   */
  credits?: { refusal(workspaceId: string): Promise<string | null> };
}

/** What the agent asks for in one call. */
export interface SearchCall {
  query: string;
  maxResults: number;
  allowedDomains?: readonly string[];
  blockedDomains?: readonly string[];
}

export interface SearchOutcome {
  backend: string;
  hits: SearchHit[];
  summary?: string;
}

/** The Search tool's way to the deployment's search, for one run (ToolContext.search). */
export interface RunSearch {
  search(call: SearchCall, signal: AbortSignal): Promise<SearchOutcome>;
}

/** Whether the agent is offered Search at all. */
export const searchOffered = (config: Pick<Config, "SEARCH_PROVIDER">): boolean => config.SEARCH_PROVIDER !== "none";

export class SearchService {
  private readonly domains: DomainRules;

  /** Throws, naming the variable, when a domain list of the configuration is not a list of hostnames. */
  constructor(private readonly deps: SearchServiceDeps) {
    this.domains = {
      allowed: parseDomainCsv(deps.config.SEARCH_ALLOWED_DOMAINS, "SEARCH_ALLOWED_DOMAINS"),
      blocked: parseDomainCsv(deps.config.SEARCH_BLOCKED_DOMAINS, "SEARCH_BLOCKED_DOMAINS"),
    };
  }

  /** `modelProvider`: the provider of the run's model, whose own search "auto" prefers. */
  forRun(workspaceId: string, modelProvider: string): RunSearch {
    return { search: (call, signal) => this.search(workspaceId, modelProvider, call, signal) };
  }

  private async search(workspaceId: string, modelProvider: string, call: SearchCall, signal: AbortSignal): Promise<SearchOutcome> {
    let policy: DomainPolicy;
    try {
      policy = new DomainPolicy(this.domains, {
        allowed: parseDomainList(call.allowedDomains ?? [], "allowedDomains"),
        blocked: parseDomainList(call.blockedDomains ?? [], "blockedDomains"),
      });
    } catch (error) {
      if (error instanceof DomainListError) throw new SearchError(error.message);
      throw error;
    }
    const backend = await this.backendFor(workspaceId, modelProvider);
    if (backend instanceof ProviderSearchBackend) {
      const refusal = await this.deps.credits?.refusal(workspaceId);
      if (refusal) throw new SearchError(`Search would use the model provider's paid web search: ${refusal}`);
    }
    const hints = policy.hints();
    const answer = await backend.search(
      { query: call.query, maxResults: call.maxResults, allowedDomains: hints.allowed, blockedDomains: hints.blocked },
      signal,
    );
    return { backend: backend.name, hits: cleanHits(answer.hits, policy, call.maxResults), ...(answer.summary ? { summary: answer.summary } : {}) };
  }

  private async backendFor(workspaceId: string, modelProvider: string): Promise<SearchBackend> {
    const { config } = this.deps;
    const timeoutMs = config.SEARCH_TIMEOUT_MS;
    switch (config.SEARCH_PROVIDER) {
      case "none":
        throw new SearchError("Search is turned off on this server (SEARCH_PROVIDER=none)");
      case "searxng":
        if (!config.SEARXNG_URL) throw new SearchError("Search is set to SearXNG (SEARCH_PROVIDER=searxng), but the server has no SEARXNG_URL");
        return new SearxngBackend({ baseUrl: config.SEARXNG_URL, timeoutMs });
      case "brave": {
        const apiKey = await this.braveKey(workspaceId);
        if (!apiKey) throw new SearchError(`Search is set to Brave Search (SEARCH_PROVIDER=brave), but there is no Brave key: ${BRAVE_KEY_HOWTO}`);
        return new BraveBackend({ baseUrl: config.BRAVE_SEARCH_BASE_URL, apiKey, timeoutMs });
      }
      case "auto": {
        if (hasProviderWebSearch(modelProvider)) return new ProviderSearchBackend(this.deps, workspaceId, modelProvider);
        if (config.SEARXNG_URL) return new SearxngBackend({ baseUrl: config.SEARXNG_URL, timeoutMs });
        const apiKey = await this.braveKey(workspaceId);
        if (apiKey) return new BraveBackend({ baseUrl: config.BRAVE_SEARCH_BASE_URL, apiKey, timeoutMs });
        throw new SearchError(
          `Search has no backend here: this session's model provider (${providerCatalog.displayName(modelProvider)}) has no web search of its own, the server has ` +
            `no SEARXNG_URL, and there is no Brave key. Set SEARXNG_URL, or ${BRAVE_KEY_HOWTO}, or use an Anthropic, OpenAI or Gemini model`,
        );
      }
    }
  }

  private async braveKey(workspaceId: string): Promise<string | null> {
    try {
      return await this.deps.credentials.resolve(workspaceId, "brave");
    } catch (error) {
      throw new SearchError(`The stored Brave Search key of this workspace cannot be used: ${(error as Error).message}`);
    }
  }
}

const BRAVE_KEY_HOWTO = 'store one for this workspace with POST /api/auth/api-key {"provider": "brave", "api_key": "..."} or set BRAVE_API_KEY on the server';
