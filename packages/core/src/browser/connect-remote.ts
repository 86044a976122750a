/**
 * The remote-cdp-websocket browser: the session's cdpUrl, checked by the same address rule as
 * web_fetch (every address of its host public, unless BROWSER_ALLOW_PRIVATE_CDP), then connected
 * over CDP. A ws:// URL is connected to the address that was checked (the Host header keeps the
 * name), so a second DNS answer cannot point it at the worker's network; a wss:// URL keeps its
 * name for TLS, whose certificate check a rebinding to an internal server would fail.
 */
import { isIP } from "node:net";
import { ToolError } from "../tools/tool";
import type { OpenedBrowser } from "./opened-browser";
import { checkPublicHost } from "./url-rules";

export interface RemoteConnect {
  cdpUrl: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

/** The URL to connect to and the headers to send, once the host passed the address rule. */
export async function checkedCdpEndpoint(cdpUrl: string, allowPrivate: boolean): Promise<{ endpoint: string; headers: Record<string, string> }> {
  let url: URL;
  try {
    url = new URL(cdpUrl);
  } catch {
    throw new ToolError("The session's cdpUrl is not a valid URL");
  }
  if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new ToolError("The session's cdpUrl must be a ws:// or wss:// URL");
  const pinned = await checkPublicHost(url.hostname, "cdpUrl", allowPrivate);
  if (!pinned || url.protocol === "wss:" || isIP(url.hostname.replace(/^\[|\]$/g, "")) !== 0) return { endpoint: url.href, headers: {} };
  const host = url.host;
  url.hostname = pinned.family === 6 ? `[${pinned.address}]` : pinned.address;
  return { endpoint: url.href, headers: { Host: host } };
}

export async function connectRemoteBrowser(connect: RemoteConnect): Promise<OpenedBrowser> {
  const { endpoint, headers } = await checkedCdpEndpoint(connect.cdpUrl, connect.allowPrivate);
  // Loaded on first use: Playwright is tens of megabytes of heap in every process that imports
  // the core package (the API too), and only a worker running a browser tool needs it.
  const { chromium } = await import("playwright-core");
  let browser;
  try {
    browser = await chromium.connectOverCDP(endpoint, { headers, timeout: connect.timeoutMs });
  } catch (error) {
    throw new ToolError(`Could not connect to the session's remote browser: ${(error as Error).message.split("\n")[0]}`);
  }
  // The browser's own context, as a cloud browser provider sets it up for its user.
  const context = browser.contexts()[0] ?? (await browser.newContext({ acceptDownloads: true }));
  let closing: Promise<void> | undefined;
  // Closing a CDP connection disconnects; the remote browser is its owner's to close.
  return { context, close: () => (closing ??= browser.close()) };
}
