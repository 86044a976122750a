/**
 * Results as the agent reads them: http(s) URLs only, each URL once, allowed by the domain
 * rules, plain text without markup or control characters, as a numbered list of bounded size.
 */
import type { DomainPolicy } from "./domain-rules";
import type { RawHit, SearchHit } from "./search-types";

export const MAX_TITLE_CHARS = 200;
export const MAX_SNIPPET_CHARS = 500;
export const MAX_SUMMARY_CHARS = 2_000;
/** The whole list; results past it are counted, not shown. */
export const MAX_RESULTS_TEXT_CHARS = 12_000;
const MAX_URL_CHARS = 2_000;

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", "#39": "'" };

/** Text of an API's field: tags (Brave marks matches with <strong>) and control characters gone, spaces collapsed. */
export function plainText(value: unknown, maxChars: number): string {
  if (typeof value !== "string") return "";
  const text = value
    .replace(/<[^>]*>/g, "")
    .replace(/&(amp|lt|gt|quot|apos|nbsp|#39);/g, (_, name: string) => ENTITIES[name]!)
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > maxChars ? `${text.slice(0, maxChars - 1).trimEnd()}…` : text;
}

/** The URL in canonical form when it is http(s) and of sane length, else null. */
export function webUrl(value: unknown): URL | null {
  if (typeof value !== "string" || value.length > MAX_URL_CHARS) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}

/** The hits worth showing, at most `max`, from raw fields of a backend's answer. */
export function cleanHits(raw: readonly RawHit[], policy: DomainPolicy, max: number): SearchHit[] {
  const hits: SearchHit[] = [];
  const seen = new Set<string>();
  for (const item of raw) {
    if (hits.length >= max) break;
    const url = webUrl(item.url);
    if (!url || seen.has(url.href) || !policy.permitsHost(item.site ?? url.hostname)) continue;
    seen.add(url.href);
    hits.push({ title: plainText(item.title, MAX_TITLE_CHARS) || url.hostname, url: url.href, snippet: plainText(item.snippet, MAX_SNIPPET_CHARS) });
  }
  return hits;
}

/** The numbered list the tool returns. */
export function formatResults(query: string, backend: string, hits: readonly SearchHit[], summary?: string): string {
  const header = `Search results for "${plainText(query, 400)}" (${backend}):`;
  if (hits.length === 0) return `${header}\nNo results.`;
  const lines = [header];
  let size = header.length;
  let shown = 0;
  for (const [index, hit] of hits.entries()) {
    const entry = [`${index + 1}. ${hit.title}`, `   ${hit.url}`, ...(hit.snippet ? [`   ${hit.snippet}`] : [])].join("\n");
    if (size + entry.length + 1 > MAX_RESULTS_TEXT_CHARS) break;
    lines.push(entry);
    size += entry.length + 1;
    shown++;
  }
  if (shown < hits.length) lines.push(`(${hits.length - shown} more results left out to keep this short)`);
  const cleanSummary = plainText(summary, MAX_SUMMARY_CHARS);
  if (cleanSummary) lines.push("", `Summary by the search provider: ${cleanSummary}`);
  return lines.join("\n");
}
