/**
 * web_fetch: the text of a public web page. Every hop's host is resolved and checked, and the
 * connection is pinned to the checked address, so neither a redirect nor DNS rebinding reaches
 * the server's own network unless the deployment allows it (FETCH_ALLOW_PRIVATE_NETWORKS).
 */
import { z } from "zod";
import { guardedFetch, GuardedFetchError, MAX_REDIRECTS, type GuardedResponse } from "../network/guarded-fetch";
import { htmlToText } from "./html-text";
import { capText } from "./paths";
import { defineTool, failed, ToolError } from "./tool";

export const FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_CHARS = 100_000;
const TEXT_TYPE = /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)|image\/svg\+xml)/i;

const input = z.strictObject({
  url: z.string().min(1).max(8_000).describe("The http:// or https:// address to fetch"),
});

export const webFetchTool = defineTool({
  // Not one of the contract's core tool names, so named like the contract's other tool names
  // ({server}_{tool}): clients that validate every answer against the contract accept it.
  name: "web_fetch",
  description:
    "Fetches an http(s) URL and returns its text: HTML pages with the markup removed, other text types as they are. " +
    `Follows up to ${MAX_REDIRECTS} redirects; reads at most ${FETCH_MAX_BYTES / 1024 / 1024} MB within ${FETCH_TIMEOUT_MS / 1000} s. ` +
    "Public addresses only; binary content is refused.",
  inputSchema: input,
  readOnly: true,
  requiresPermission: true,
  category: "web",
  async execute({ url }, context) {
    const response = await fetchPage(url, context.limits.allowPrivateNetworks, context.signal);
    const current = response.url;
    const type = response.contentType;
    if (type && !TEXT_TYPE.test(type)) return failed(`${current} returned ${type}, which is not text`);
    let text = response.body.toString("utf8");
    if (/html/i.test(type)) text = htmlToText(text);
    let body = capText(text, MAX_OUTPUT_CHARS);
    if (response.truncated) body += `\n[response larger than ${FETCH_MAX_BYTES} bytes; read only that much]`;
    if (response.status >= 400) return failed(`HTTP ${response.status} from ${current}\n${body}`);
    return current === url ? body : `(fetched ${current})\n${body}`;
  },
});

/** The page under the address rules (network/guarded-fetch.ts); what went wrong is the tool's error. */
async function fetchPage(url: string, allowPrivateNetworks: boolean, signal: AbortSignal): Promise<GuardedResponse> {
  try {
    return await guardedFetch(url, {
      allowPrivateNetworks,
      maxBytes: FETCH_MAX_BYTES,
      timeoutMs: FETCH_TIMEOUT_MS,
      signal,
      userAgent: "mix-webfetch/1",
      accept: "text/html, text/plain, application/json;q=0.9, */*;q=0.5",
    });
  } catch (error) {
    if (error instanceof GuardedFetchError) throw new ToolError(error.message);
    throw error;
  }
}
