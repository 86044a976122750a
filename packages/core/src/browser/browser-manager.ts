/**
 * The worker's browsers, one per session that uses one: opened on a session's first browser
 * call, shared by its runs' steps and subagents, closed after BROWSER_IDLE_MS without a call and
 * when the worker stops, at most BROWSER_MAX_SESSIONS at once.
 *
 * One Chromium per session rather than one per worker with a context per session: a session's
 * cookies, cache and renderer processes then share nothing with another session's, even if a
 * hostile page compromises its browser process; the fresh profile folder of each is deleted on
 * close; and closing an idle session's browser gives its memory back. The cap bounds the cost.
 */
import type { Page } from "playwright-core";
import type { BrowserMode } from "../contracts";
import type { Logger } from "../logging/logger";
import type { SandboxNetwork } from "../sandbox/sandbox";
import { findProgram } from "../sandbox/find-program";
import { ToolError } from "../tools/tool";
import type { BrowserAccess } from "./browser-access";
import { BrowserEgress, type BrowserEgressSettings } from "./browser-egress";
import { connectRemoteBrowser } from "./connect-remote";
import { launchLocalBrowser } from "./launch-local";
import type { OpenedBrowser } from "./opened-browser";
import { SessionBrowser } from "./session-browser";
import { checkPublicHost, parseBrowsableUrl } from "./url-rules";

export const ELECTRON_BROWSER_REFUSAL =
  "This session's browser is the Mix desktop app's embedded browser, which this server cannot drive; " +
  "create the session with browserMode local-browser-service or remote-cdp-websocket.";

export interface BrowserManagerOptions {
  /** Chromium: a name on PATH or an absolute path (BROWSER_EXECUTABLE). */
  executable: string;
  idleMs: number;
  maxSessions: number;
  /** A cdpUrl may name a private or loopback host (BROWSER_ALLOW_PRIVATE_CDP). */
  allowPrivateCdp: boolean;
  /** The local browsers may reach private addresses (FETCH_ALLOW_PRIVATE_NETWORKS; tests serve pages on loopback). */
  allowPrivateNetworks: boolean;
  /** The ports the egress proxy lets through (SANDBOX_EGRESS_PORTS). */
  allowedPorts: ReadonlySet<number>;
  /** How long launching or connecting may take. Default 30 s. */
  openTimeoutMs?: number;
  logger: Logger;
}

/** The session a run's browser tools work for, as stored on the session. */
export interface SessionBrowserRequest {
  /** The top-level session: a subagent uses its parent's browser. */
  sessionId: string;
  browserMode: BrowserMode;
  cdpUrl: string | null;
  /** The workspace's network for its sandbox: a local browser needs "egress". */
  network: SandboxNetwork;
}

export class BrowserManager {
  private readonly sessions = new Map<string, Promise<SessionBrowser>>();
  private egress: Promise<BrowserEgress> | undefined;
  private closed = false;

  constructor(private readonly options: BrowserManagerOptions) {}

  /** Browsers open or opening now. */
  get openCount(): number {
    return this.sessions.size;
  }

  /** The port a run's tools use; nothing opens until a tool calls it. */
  forSession(request: SessionBrowserRequest): BrowserAccess {
    return {
      withPage: (signal, use) => this.withPage(request, signal, use),
      checkUrl: async (raw) => {
        const url = parseBrowsableUrl(raw);
        // A remote browser is on its owner's network, not the worker's: the worker's rule does not apply there.
        if (request.browserMode === "local-browser-service") await checkPublicHost(url.hostname, url.href, this.options.allowPrivateNetworks);
        return url;
      },
    };
  }

  /** The open browser of a session, if any (tests look at its profile). */
  opened(sessionId: string): Promise<OpenedBrowser | undefined> {
    return this.sessions.get(sessionId)?.then((browser) => browser.opened) ?? Promise.resolve(undefined);
  }

  /** Closes one session's browser (its profile deleted); nothing when it has none. */
  async closeSession(sessionId: string): Promise<void> {
    const opening = this.sessions.get(sessionId);
    if (!opening) return;
    this.sessions.delete(sessionId);
    const browser = await opening.catch(() => undefined);
    await browser?.close().catch((error: unknown) => this.options.logger.warn({ err: error, sessionId }, "closing a session's browser failed"));
  }

  /** Closes every browser and the egress proxy; later calls are refused. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.sessions.keys()].map((sessionId) => this.closeSession(sessionId)));
    const egress = await this.egress?.catch(() => undefined);
    this.egress = undefined;
    await egress?.close();
  }

  private async withPage<T>(request: SessionBrowserRequest, signal: AbortSignal, use: (page: Page) => Promise<T>): Promise<T> {
    const browser = await this.acquire(request);
    browser.enter();
    try {
      return await untilAborted(browser.page().then(use), signal);
    } finally {
      browser.leave(this.options.idleMs, () => {
        if (!browser.inUse) void this.closeIfCurrent(request.sessionId, browser);
      });
    }
  }

  private async acquire(request: SessionBrowserRequest): Promise<SessionBrowser> {
    if (request.browserMode === "electron-embedded-browser") throw new ToolError(ELECTRON_BROWSER_REFUSAL);
    if (request.browserMode === "local-browser-service" && request.network !== "egress") {
      throw new ToolError(
        "This workspace's network is 'none', so the agent's browser may not reach any site; an admin can allow public hosts with PUT /api/sandbox {\"network\": \"egress\"}.",
      );
    }
    if (this.closed) throw new ToolError("The worker is shutting down; the browser is closed");
    const identity = `${request.browserMode} ${request.cdpUrl ?? ""}`;
    const existing = this.sessions.get(request.sessionId);
    if (existing) {
      const browser = await existing;
      if (browser.identity === identity) return browser;
      await this.closeSession(request.sessionId);
    }
    if (this.sessions.size >= this.options.maxSessions) {
      throw new ToolError(
        `This worker already has ${this.options.maxSessions} sessions' browsers open (BROWSER_MAX_SESSIONS); try again when one has closed (after ${Math.round(this.options.idleMs / 1000)} s idle).`,
      );
    }
    const opening = this.open(request, identity);
    this.sessions.set(request.sessionId, opening);
    // A failed open leaves no entry, so the next call tries again.
    opening.catch(() => {
      if (this.sessions.get(request.sessionId) === opening) this.sessions.delete(request.sessionId);
    });
    return opening;
  }

  private async open(request: SessionBrowserRequest, identity: string): Promise<SessionBrowser> {
    const timeoutMs = this.options.openTimeoutMs ?? 30_000;
    const opened =
      request.browserMode === "remote-cdp-websocket"
        ? await connectRemoteBrowser({ cdpUrl: request.cdpUrl ?? "", allowPrivate: this.options.allowPrivateCdp, timeoutMs })
        : await launchLocalBrowser({ executablePath: await this.executable(), proxyServer: (await this.startEgress()).proxyServer, timeoutMs });
    try {
      const browser = await SessionBrowser.start(opened, identity);
      // A browser that crashed or was closed from the other end is forgotten; the next call opens a new one.
      opened.context.once("close", () => void this.closeIfCurrent(request.sessionId, browser));
      this.options.logger.info({ sessionId: request.sessionId, browserMode: request.browserMode }, "session browser opened");
      return browser;
    } catch (error) {
      await opened.close();
      throw error;
    }
  }

  private async closeIfCurrent(sessionId: string, browser: SessionBrowser): Promise<void> {
    const current = await this.sessions.get(sessionId)?.catch(() => undefined);
    if (current === browser) await this.closeSession(sessionId);
  }

  private startEgress(): Promise<BrowserEgress> {
    const settings: BrowserEgressSettings = {
      allowedPorts: this.options.allowedPorts,
      ...(this.options.allowPrivateNetworks ? { isAllowedAddress: () => true } : {}),
    };
    this.egress ??= BrowserEgress.start(settings, this.options.logger).catch((error: unknown) => {
      this.egress = undefined;
      throw error;
    });
    return this.egress;
  }

  private async executable(): Promise<string> {
    const found = await findProgram(this.options.executable);
    if (!found) throw new ToolError(`No browser is installed on this worker (BROWSER_EXECUTABLE=${this.options.executable} was not found)`);
    return found;
  }
}

/** The call's result, or its signal's reason once it aborts (the page action is left to its own timeout). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
