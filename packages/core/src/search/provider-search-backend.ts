/**
 * The session model's provider's own web search as a backend, on the workspace's credentials
 * for that provider: the stored key or OAuth token, else the deployment's env key (the rule the
 * model selector follows for the run's own calls), at the same API root as those calls.
 */
import type { PrismaClient } from "@mix/db";
import type { Config } from "../config/config";
import { providerCatalog } from "../models/catalog/provider-catalog";
import { providerWebSearch, type WebSearchProviderKind } from "../models/providers/provider-web-search";
import type { ProviderSecrets } from "../models/selection/model-selector";
import { SearchError, type SearchAnswer, type SearchBackend, type SearchRequest } from "./search-types";

const BASE_URLS: Record<WebSearchProviderKind, "ANTHROPIC_BASE_URL" | "OPENAI_BASE_URL" | "GEMINI_BASE_URL"> = {
  anthropic: "ANTHROPIC_BASE_URL",
  openai: "OPENAI_BASE_URL",
  gemini: "GEMINI_BASE_URL",
};

export interface ProviderSearchDeps {
  config: Pick<Config, "ANTHROPIC_BASE_URL" | "OPENAI_BASE_URL" | "GEMINI_BASE_URL" | "SEARCH_TIMEOUT_MS">;
  credentials: ProviderSecrets;
  prisma: PrismaClient;
}

export class ProviderSearchBackend implements SearchBackend {
  readonly name: string;

  constructor(
    private readonly deps: ProviderSearchDeps,
    private readonly workspaceId: string,
    private readonly kind: WebSearchProviderKind,
  ) {
    this.name = `${providerCatalog.displayName(kind)} web search`;
  }

  async search(request: SearchRequest, signal: AbortSignal): Promise<SearchAnswer> {
    const { apiKey, authMethod } = await this.account();
    const baseURL = this.deps.config[BASE_URLS[this.kind]];
    const timeout = AbortSignal.timeout(this.deps.config.SEARCH_TIMEOUT_MS);
    try {
      const result = await providerWebSearch({ kind: this.kind, apiKey, baseURL, authMethod }, request, AbortSignal.any([signal, timeout]));
      return {
        hits: result.sources.map(({ title, url, snippet, site }) => ({ title, url, snippet, ...(site !== undefined ? { site } : {}) })),
        summary: result.text,
      };
    } catch (error) {
      signal.throwIfAborted();
      if (timeout.aborted) throw new SearchError(`${this.name} did not answer within ${this.deps.config.SEARCH_TIMEOUT_MS} ms`);
      throw new SearchError(`${this.name} failed: ${(error as Error).message}`);
    }
  }

  private async account(): Promise<{ apiKey: string; authMethod: "api_key" | "oauth" }> {
    const provider = this.kind;
    let apiKey: string | null;
    try {
      apiKey = await this.deps.credentials.resolve(this.workspaceId, provider);
    } catch (error) {
      throw new SearchError(`The stored ${providerCatalog.displayName(provider)} credential of this workspace cannot be used: ${(error as Error).message}`);
    }
    if (!apiKey) {
      throw new SearchError(
        `${this.name} needs an API key for ${providerCatalog.displayName(provider)}, and this workspace has none: store one with POST /api/auth/api-key, or set SEARXNG_URL`,
      );
    }
    const stored = await this.deps.prisma.providerCredential.findUnique({
      where: { workspaceId_provider: { workspaceId: this.workspaceId, provider } },
      select: { authMethod: true },
    });
    return { apiKey, authMethod: stored?.authMethod === "oauth" ? "oauth" : "api_key" };
  }
}
