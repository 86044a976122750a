/**
 * One GET of a search API's JSON: bounded in time (SEARCH_TIMEOUT_MS) and size, and every way it
 * can go wrong (no answer, a non-2xx status, a body that is not JSON) a SearchError that says so.
 * A cancelled run's abort is rethrown as it is.
 */
import { SearchError } from "./search-types";

/** A search API's answer is a few kilobytes; more is not an answer worth reading. */
export const MAX_SEARCH_RESPONSE_BYTES = 4 * 1024 * 1024;

export interface SearchHttpOptions {
  /** Shown in errors, e.g. "SearXNG". */
  service: string;
  headers?: Record<string, string>;
  timeoutMs: number;
}

export async function getSearchJson(url: URL, options: SearchHttpOptions, signal: AbortSignal): Promise<unknown> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const { service } = options;
  try {
    const response = await fetch(url, {
      headers: { accept: "application/json", ...options.headers },
      signal: AbortSignal.any([signal, timeout]),
      redirect: "error",
    });
    const body = await readCapped(response, service);
    if (!response.ok) throw new SearchError(`${service} answered ${response.status}${statusDetail(body)}`);
    try {
      return JSON.parse(body) as unknown;
    } catch (error) {
      throw new SearchError(`${service} answered with malformed JSON: ${(error as Error).message}`);
    }
  } catch (error) {
    signal.throwIfAborted();
    if (error instanceof SearchError) throw error;
    if (timeout.aborted) throw new SearchError(`${service} did not answer within ${options.timeoutMs} ms`);
    throw new SearchError(`${service} could not be reached: ${(error as Error).message}`);
  }
}

async function readCapped(response: Response, service: string): Promise<string> {
  if (!response.body) return "";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > MAX_SEARCH_RESPONSE_BYTES) throw new SearchError(`${service} answered with more than ${MAX_SEARCH_RESPONSE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

// eslint-disable-next-line no-control-regex -- an error body goes into a one-line message
const CONTROL_RUNS = /[\u0000-\u001f\u007f]+/g;

/** A short, printable part of an error body: enough to tell a bad key from a rate limit. */
function statusDetail(body: string): string {
  const text = body.replace(CONTROL_RUNS, " ").trim().slice(0, 200);
  return text ? `: ${text}` : "";
}
