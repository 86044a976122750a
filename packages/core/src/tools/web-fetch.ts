/**
 * web_fetch: the text of a public web page. Every hop's host is resolved and checked, and the
 * connection is pinned to the checked address, so neither a redirect nor DNS rebinding reaches
 * the server's own network unless the deployment allows it (FETCH_ALLOW_PRIVATE_NETWORKS).
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { z } from "zod";
import { resolveTarget, type ResolvedTarget } from "../network/address-guard";
import { htmlToText } from "./html-text";
import { capText } from "./paths";
import { defineTool, failed, ToolError } from "./tool";

export const FETCH_MAX_BYTES = 5 * 1024 * 1024;
export const FETCH_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 5;
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
    let current = parseUrl(url);
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(FETCH_TIMEOUT_MS)]);
    for (let hop = 0; ; hop++) {
      const target = await checkedTarget(current, context.limits.allowPrivateNetworks);
      const response = await fetchPinned(current, target, signal, context.signal);
      const location = response.headers.location;
      if (response.status >= 300 && response.status < 400 && location) {
        if (hop >= MAX_REDIRECTS) throw new ToolError(`Too many redirects (more than ${MAX_REDIRECTS})`);
        current = parseUrl(new URL(location, current).toString());
        continue;
      }
      const type = String(response.headers["content-type"] ?? "");
      if (type && !TEXT_TYPE.test(type)) return failed(`${current} returned ${type}, which is not text`);
      let text = response.body.toString("utf8");
      if (/html/i.test(type)) text = htmlToText(text);
      let body = capText(text, MAX_OUTPUT_CHARS);
      if (response.truncated) body += `\n[response larger than ${FETCH_MAX_BYTES} bytes; read only that much]`;
      if (response.status >= 400) return failed(`HTTP ${response.status} from ${current}\n${body}`);
      return current.toString() === url ? body : `(fetched ${current})\n${body}`;
    }
  },
});

function parseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError(`'${raw}' is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new ToolError(`Only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new ToolError("URLs with credentials are not fetched");
  return url;
}

async function checkedTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  let target: ResolvedTarget | string;
  try {
    target = await resolveTarget(url.hostname, allowPrivate);
  } catch (error) {
    throw new ToolError(`Cannot resolve ${url.hostname}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (typeof target === "string") throw new ToolError(`Refused: ${target}`);
  return target;
}

interface FetchedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

function fetchPinned(url: URL, target: ResolvedTarget, signal: AbortSignal, runSignal: AbortSignal): Promise<FetchedResponse> {
  // Hands the socket the address already checked instead of resolving the name again.
  const lookup: LookupFunction = (_host, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      if (runSignal.aborted) return reject(runSignal.reason);
      if (signal.aborted) return reject(new ToolError(`${url} did not answer within ${FETCH_TIMEOUT_MS / 1000} s`));
      reject(new ToolError(`Fetching ${url} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    };
    const request = client.request(
      url,
      { method: "GET", signal, lookup, headers: { "user-agent": "mix-webfetch/1", accept: "text/html, text/plain, application/json;q=0.9, */*;q=0.5" } },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), truncated });
        response.on("data", (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > FETCH_MAX_BYTES) {
            chunks.push(chunk.subarray(0, FETCH_MAX_BYTES - size));
            truncated = true;
            response.destroy();
            return done();
          }
          chunks.push(chunk);
          size += chunk.length;
        });
        response.on("end", done);
        response.on("error", (error) => (truncated ? undefined : fail(error)));
      },
    );
    request.on("error", fail);
    request.end();
  });
}
