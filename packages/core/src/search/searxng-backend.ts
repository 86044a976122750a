/**
 * SearXNG's JSON API: GET {SEARXNG_URL}/search?q=…&format=json, answered with
 * `{ results: [{ url, title, content, engine, … }], … }` (the instance must list "json" in its
 * search.formats, or it answers 403). The URL is the deployment's, never the agent's, so a
 * private address is allowed.
 */
import { getSearchJson } from "./search-http";
import { SearchError, type SearchAnswer, type SearchBackend, type SearchRequest } from "./search-types";

export class SearxngBackend implements SearchBackend {
  readonly name = "SearXNG";

  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  async search(request: SearchRequest, signal: AbortSignal): Promise<SearchAnswer> {
    const base = this.options.baseUrl.endsWith("/") ? this.options.baseUrl : `${this.options.baseUrl}/`;
    const url = new URL("search", base);
    url.searchParams.set("q", request.query);
    url.searchParams.set("format", "json");
    const body = await getSearchJson(url, { service: this.name, timeoutMs: this.options.timeoutMs }, signal);
    const results = (body as { results?: unknown } | null)?.results;
    if (!Array.isArray(results)) throw new SearchError(`${this.name} answered without a results list`);
    return {
      hits: results.map((result: Record<string, unknown> | null | undefined) => ({ title: result?.title, url: result?.url, snippet: result?.content })),
    };
  }
}
