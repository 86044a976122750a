/**
 * A model provider's own web search, as one small non-streamed request: Anthropic's web search
 * tool, OpenAI's web search (a Responses API tool), Gemini's Google Search grounding. The search
 * runs on the provider's side; what we keep is the sources the SDK reports (title, URL, and the
 * cited text where the provider gives one) and the model's short answer.
 */
import type { LanguageModel, ToolSet } from "ai";
import { loadAiSdk, type AiSdk } from "./ai-sdk";
import { ANTHROPIC_OAUTH_BETA } from "./create-provider-model";

/** The providers that have a search of their own. */
export const WEB_SEARCH_PROVIDER_KINDS = ["anthropic", "openai", "gemini"] as const;
export type WebSearchProviderKind = (typeof WEB_SEARCH_PROVIDER_KINDS)[number];

export const hasProviderWebSearch = (kind: string): kind is WebSearchProviderKind => (WEB_SEARCH_PROVIDER_KINDS as readonly string[]).includes(kind);

/** A small, cheap model of each provider that can use its search tool. */
export const WEB_SEARCH_MODELS: Record<WebSearchProviderKind, string> = {
  anthropic: "claude-haiku-4-5",
  openai: "gpt-5-mini",
  gemini: "gemini-2.5-flash",
};

export interface ProviderSearchAccount {
  kind: WebSearchProviderKind;
  apiKey: string;
  baseURL?: string;
  authMethod?: "api_key" | "oauth";
}

export interface ProviderSearchQuery {
  query: string;
  maxResults: number;
  allowedDomains: readonly string[];
  blockedDomains: readonly string[];
}

export interface ProviderSearchSource {
  url: string;
  title?: string;
  snippet?: string;
  /**
   * The site a redirect URL leads to. Gemini's grounding sources are links through its own
   * redirect host, titled with the site's domain: that domain is what the result is from.
   */
  site?: string;
}

/** Gemini's grounding redirect host. */
export const GEMINI_REDIRECT_HOST = "vertexaisearch.cloud.google.com";

export interface ProviderSearchResult {
  sources: ProviderSearchSource[];
  text: string;
}

/** The model's reply is a few lines; its sources are what matter. */
const SEARCH_MAX_OUTPUT_TOKENS = 1_024;

export async function providerWebSearch(account: ProviderSearchAccount, query: ProviderSearchQuery, signal: AbortSignal): Promise<ProviderSearchResult> {
  const sdk = await loadAiSdk();
  signal.throwIfAborted();
  const { model, tools } = searchSetup(sdk, account, query);
  const result = await sdk.ai.generateText({
    model,
    tools,
    prompt:
      `Search the web for the query below and answer in at most three sentences, citing your sources. ` +
      `Find up to ${query.maxResults} relevant results.\n\nQuery: ${query.query}`,
    maxOutputTokens: SEARCH_MAX_OUTPUT_TOKENS,
    maxRetries: 0,
    abortSignal: signal,
  });
  return { sources: urlSources(result.sources, citedTexts(result.content)), text: result.text };
}

function searchSetup(sdk: AiSdk, account: ProviderSearchAccount, query: ProviderSearchQuery): { model: LanguageModel; tools: ToolSet } {
  const { apiKey, baseURL } = account;
  const modelId = WEB_SEARCH_MODELS[account.kind];
  switch (account.kind) {
    case "anthropic": {
      const provider =
        account.authMethod === "oauth"
          ? sdk.anthropic.createAnthropic({ authToken: apiKey, baseURL, headers: { "anthropic-beta": ANTHROPIC_OAUTH_BETA } })
          : sdk.anthropic.createAnthropic({ apiKey, baseURL });
      // Anthropic takes an allow list or a block list, not both: the allow list is the narrower.
      const domains =
        query.allowedDomains.length > 0
          ? { allowedDomains: [...query.allowedDomains] }
          : query.blockedDomains.length > 0
            ? { blockedDomains: [...query.blockedDomains] }
            : {};
      return { model: provider(modelId), tools: { web_search: provider.tools.webSearch_20250305({ maxUses: 1, ...domains }) } };
    }
    case "openai": {
      const provider = sdk.openai.createOpenAI({ apiKey, baseURL });
      const filters = query.allowedDomains.length > 0 ? { filters: { allowedDomains: [...query.allowedDomains] } } : {};
      return { model: provider.responses(modelId), tools: { web_search: provider.tools.webSearch(filters) } };
    }
    case "gemini": {
      const provider = sdk.google.createGoogleGenerativeAI({ apiKey, baseURL });
      return { model: provider(modelId), tools: { google_search: provider.tools.googleSearch({}) } };
    }
  }
}

type SdkSource = Awaited<ReturnType<AiSdk["ai"]["generateText"]>>["sources"][number];

type SdkContent = Awaited<ReturnType<AiSdk["ai"]["generateText"]>>["content"];

/**
 * Anthropic's cited text by URL: with search results present the SDK makes no source of a
 * citation, but keeps the citations (web_search_result_location) on the text part's metadata.
 */
function citedTexts(content: SdkContent): Map<string, string> {
  const texts = new Map<string, string>();
  for (const part of content) {
    if (part.type !== "text") continue;
    const citations = part.providerMetadata?.anthropic?.citations;
    if (!Array.isArray(citations)) continue;
    for (const citation of citations as { url?: unknown; cited_text?: unknown }[]) {
      if (typeof citation?.url === "string" && typeof citation.cited_text === "string" && !texts.has(citation.url))
        texts.set(citation.url, citation.cited_text);
    }
  }
  return texts;
}

/** URL sources in the order given, one per URL, with Anthropic's cited text as the snippet where there is one. */
function urlSources(sources: readonly SdkSource[], cited: Map<string, string>): ProviderSearchSource[] {
  const byUrl = new Map<string, ProviderSearchSource>();
  for (const source of sources) {
    if (source.sourceType !== "url") continue;
    const citedText = cited.get(source.url) ?? source.providerMetadata?.anthropic?.citedText;
    const known: ProviderSearchSource = byUrl.get(source.url) ?? { url: source.url, ...redirectSite(source.url, source.title) };
    if (!known.title && source.title) known.title = source.title;
    if (!known.snippet && typeof citedText === "string" && citedText) known.snippet = citedText;
    byUrl.set(source.url, known);
  }
  return [...byUrl.values()];
}

/** For a Gemini redirect, the site it names (its title; "" when it names none, which no domain rule lets through). */
function redirectSite(url: string, title: string | undefined): { site?: string } {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return {};
  }
  return host === GEMINI_REDIRECT_HOST ? { site: title?.trim() ?? "" } : {};
}
