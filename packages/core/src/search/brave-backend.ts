/**
 * The Brave Search API: GET {BRAVE_SEARCH_BASE_URL}/res/v1/web/search?q=…&count=… with the key in
 * X-Subscription-Token, answered with `{ web: { results: [{ title, url, description, … }] } }`
 * (no `web` at all when nothing was found).
 */
import { getSearchJson } from "./search-http";
import { SearchError, type SearchAnswer, type SearchBackend, type SearchRequest } from "./search-types";

/** Brave's largest page. */
const BRAVE_MAX_COUNT = 20;

export class BraveBackend implements SearchBackend {
  readonly name = "Brave Search";

  constructor(private readonly options: { baseUrl: string; apiKey: string; timeoutMs: number }) {}

  async search(request: SearchRequest, signal: AbortSignal): Promise<SearchAnswer> {
    const url = new URL("res/v1/web/search", this.options.baseUrl.endsWith("/") ? this.options.baseUrl : `${this.options.baseUrl}/`);
    url.searchParams.set("q", request.query);
    // Some results may be filtered out by the domain rules: ask for a few more than shown.
    url.searchParams.set("count", String(Math.min(BRAVE_MAX_COUNT, request.maxResults * 2)));
    const headers = { "X-Subscription-Token": this.options.apiKey };
    const body = (await getSearchJson(url, { service: this.name, headers, timeoutMs: this.options.timeoutMs }, signal)) as Record<string, unknown> | null;
    if (body === null || typeof body !== "object" || Array.isArray(body))
      throw new SearchError(`${this.name} answered with something other than a search response`);
    const web = body.web as { results?: unknown } | undefined;
    if (web === undefined) return { hits: [] };
    if (!Array.isArray(web?.results)) throw new SearchError(`${this.name} answered without a web results list`);
    return {
      hits: web.results.map((result: Record<string, unknown> | null | undefined) => ({ title: result?.title, url: result?.url, snippet: result?.description })),
    };
  }
}
