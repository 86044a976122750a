/**
 * An HTTP GET of a URL someone else chose (web_fetch's page, a knowledge source's URL): every hop's host is resolved and checked (address-guard), and the
 * connection is pinned to the checked address, so neither a redirect nor DNS rebinding reaches
 * the server's own network unless the deployment allows it (FETCH_ALLOW_PRIVATE_NETWORKS).
 */
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { resolveTarget, type ResolvedTarget } from "./address-guard";

export const MAX_REDIRECTS = 5;

/** Why a guarded fetch did not get an answer: the message is for the client that named the URL. */
export class GuardedFetchError extends Error {
  override name = "GuardedFetchError";
}

export interface GuardedFetchOptions {
  allowPrivateNetworks: boolean;
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Who is asking, and what it takes (request headers). */
  userAgent: string;
  accept: string;
}

export interface GuardedResponse {
  /** Where the answer came from, after redirects. */
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
  /** More than maxBytes were sent: body holds the first maxBytes. */
  truncated: boolean;
}

export async function guardedFetch(raw: string, options: GuardedFetchOptions): Promise<GuardedResponse> {
  let current = parseFetchUrl(raw);
  const signal = AbortSignal.any([...(options.signal ? [options.signal] : []), AbortSignal.timeout(options.timeoutMs)]);
  for (let hop = 0; ; hop++) {
    const target = await checkedTarget(current, options.allowPrivateNetworks);
    const response = await fetchPinned(current, target, signal, options);
    const location = response.headers.location;
    if (response.status >= 300 && response.status < 400 && location) {
      if (hop >= MAX_REDIRECTS) throw new GuardedFetchError(`Too many redirects (more than ${MAX_REDIRECTS})`);
      current = parseFetchUrl(new URL(location, current).toString());
      continue;
    }
    return {
      url: current.toString(),
      status: response.status,
      contentType: String(response.headers["content-type"] ?? ""),
      body: response.body,
      truncated: response.truncated,
    };
  }
}

export function parseFetchUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new GuardedFetchError(`'${raw}' is not a valid URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new GuardedFetchError(`Only http and https URLs can be fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new GuardedFetchError("URLs with credentials are not fetched");
  return url;
}

async function checkedTarget(url: URL, allowPrivate: boolean): Promise<ResolvedTarget> {
  let target: ResolvedTarget | string;
  try {
    target = await resolveTarget(url.hostname, allowPrivate);
  } catch (error) {
    throw new GuardedFetchError(`Cannot resolve ${url.hostname}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (typeof target === "string") throw new GuardedFetchError(`Refused: ${target}`);
  return target;
}

interface PinnedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  truncated: boolean;
}

function fetchPinned(url: URL, target: ResolvedTarget, signal: AbortSignal, options: GuardedFetchOptions): Promise<PinnedResponse> {
  // Hands the socket the address already checked instead of resolving the name again.
  const lookup: LookupFunction = (_host, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const fail = (error: Error) => {
      if (options.signal?.aborted) return reject(options.signal.reason);
      if (signal.aborted) return reject(new GuardedFetchError(`${url} did not answer within ${options.timeoutMs / 1000} s`));
      reject(new GuardedFetchError(`Fetching ${url} failed: ${(error as NodeJS.ErrnoException).code ?? error.message}`));
    };
    const request = client.request(
      url,
      {
        method: "GET",
        signal,
        lookup,
        headers: { "user-agent": options.userAgent, accept: options.accept },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let truncated = false;
        const done = () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks), truncated });
        response.on("data", (chunk: Buffer) => {
          if (truncated) return;
          if (size + chunk.length > options.maxBytes) {
            chunks.push(chunk.subarray(0, options.maxBytes - size));
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
