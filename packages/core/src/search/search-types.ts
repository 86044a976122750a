/** What every search backend takes and gives back, and the error a failed search is reported as. */

export interface SearchHit {
  title: string;
  url: string;
  snippet: string;
}

export interface SearchRequest {
  query: string;
  /** How many results to show; a backend may be asked for more, since some are filtered out. */
  maxResults: number;
  /** Hosts a backend may restrict itself to or avoid (a hint: results are checked afterwards). */
  allowedDomains: readonly string[];
  blockedDomains: readonly string[];
}

/** A result as a backend's API gave it: fields unchecked until cleanHits (search-results.ts). */
export interface RawHit {
  title?: unknown;
  url?: unknown;
  snippet?: unknown;
  /** The site the result is from, when the URL is the provider's redirect to it (Gemini): the domain rules apply to it. */
  site?: string;
}

export interface SearchAnswer {
  hits: RawHit[];
  /** A provider's written answer next to its sources (provider-side search only). */
  summary?: string;
}

export interface SearchBackend {
  /** Shown with the results and in errors, e.g. "SearXNG". */
  readonly name: string;
  search(request: SearchRequest, signal: AbortSignal): Promise<SearchAnswer>;
}

/** A search that could not be done (no backend, a timeout, a bad answer): the agent is told why. */
export class SearchError extends Error {
  override name = "SearchError";
}
