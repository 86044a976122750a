/**
 * Answers in the search APIs' own JSON: SearXNG's `format=json` and Brave's web search, with
 * the fields their docs list (most of which the adapter ignores, as a real answer has them).
 */
import type { FakeSearchReply } from "./fake-search-server";

export interface FakeSearchResult {
  title: string;
  url: string;
  /** SearXNG's `content`, Brave's `description`. */
  snippet: string;
}

/** GET /search?q=…&format=json of a SearXNG instance. */
export function searxngReply(query: string, results: readonly FakeSearchResult[]): FakeSearchReply {
  return {
    kind: "json",
    body: {
      query,
      number_of_results: results.length,
      results: results.map((result, index) => ({
        url: result.url,
        title: result.title,
        content: result.snippet,
        engine: "duckduckgo",
        parsed_url: parsedUrl(result.url),
        template: "default.html",
        engines: ["duckduckgo", "brave"],
        positions: [index + 1],
        score: 1 / (index + 1),
        category: "general",
      })),
      answers: [],
      corrections: [],
      infoboxes: [],
      suggestions: [],
      unresponsive_engines: [],
    },
  };
}

/** GET /res/v1/web/search of the Brave Search API; no results means no `web` section, as Brave answers. */
export function braveReply(query: string, results: readonly FakeSearchResult[]): FakeSearchReply {
  return {
    kind: "json",
    body: {
      type: "search",
      query: { original: query, show_strict_warning: false, is_navigational: false, spellcheck_off: true, country: "us", more_results_available: true },
      mixed: { type: "mixed", main: results.map((_, index) => ({ type: "web", index, all: false })), top: [], side: [] },
      ...(results.length
        ? {
            web: {
              type: "search",
              family_friendly: true,
              results: results.map((result) => ({
                type: "search_result",
                subtype: "generic",
                title: result.title,
                url: result.url,
                description: result.snippet,
                is_source_local: false,
                is_source_both: false,
                language: "en",
                family_friendly: true,
                profile: { name: parsedUrl(result.url)[1], url: result.url, long_name: parsedUrl(result.url)[1], img: "" },
                meta_url: { scheme: parsedUrl(result.url)[0], netloc: parsedUrl(result.url)[1], hostname: parsedUrl(result.url)[1], favicon: "", path: "" },
              })),
            },
          }
        : {}),
    },
  };
}

/** A Brave error, e.g. (401, "SUBSCRIPTION_TOKEN_INVALID", "The provided subscription token is invalid."). */
export function braveError(status: number, code: string, detail: string): FakeSearchReply {
  return { kind: "json", status, body: { type: "ErrorResponse", error: { id: "fake-error-id", status, code, detail, meta: {} }, time: 1_700_000_000 } };
}

function parsedUrl(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [parsed.protocol.replace(":", ""), parsed.host, parsed.pathname, "", parsed.search.slice(1), parsed.hash.slice(1)];
  } catch {
    // A hostile URL on purpose: SearXNG would pass it on as it came.
    return ["", "", url, "", "", ""];
  }
}
