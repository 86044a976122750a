/**
 * One session's open browser: its pages (the newest one opened is the one the tools drive),
 * the request filter, and the count of tool calls using it, which keeps the idle close away.
 */
import type { Page } from "playwright-core";
import type { OpenedBrowser } from "./opened-browser";
import { isRequestSchemeAllowed } from "./url-rules";

/** How long one action (a click, a fill, a navigation) may take unless the tool says otherwise. */
export const ACTION_TIMEOUT_MS = 15_000;

export class SessionBrowser {
  private current: Page | undefined;
  private users = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly opened: OpenedBrowser,
    /** What the session asked for when this browser opened (its mode and cdpUrl): another ask reopens it. */
    readonly identity: string,
  ) {}

  static async start(opened: OpenedBrowser, identity: string): Promise<SessionBrowser> {
    const browser = new SessionBrowser(opened, identity);
    const { context } = opened;
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    // Nothing the page asks for leaves by another scheme (the http(s) ones then meet the egress proxy).
    await context.route("**/*", (route) => (isRequestSchemeAllowed(route.request().url()) ? route.fallback() : route.abort("blockedbyclient")));
    // A link opened in a new tab is where the agent's next action happens.
    context.on("page", (page) => (browser.current = page));
    return browser;
  }

  get inUse(): boolean {
    return this.users > 0;
  }

  /** The page the tools drive: the current one, else the last open one, else a new one. */
  async page(): Promise<Page> {
    if (this.current && !this.current.isClosed()) return this.current;
    const open = this.opened.context.pages().filter((page) => !page.isClosed());
    this.current = open.at(-1) ?? (await this.opened.context.newPage());
    return this.current;
  }

  /** A tool call starts using the browser: no idle close until it is done. */
  enter(): void {
    this.users++;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** A tool call is done; the last one out arms the idle close. */
  leave(idleMs: number, onIdle: () => void): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0) return;
    this.idleTimer = setTimeout(onIdle, idleMs);
    // A worker with nothing else to do may exit; close() still closes the browser first.
    this.idleTimer.unref();
  }

  close(): Promise<void> {
    clearTimeout(this.idleTimer);
    return this.opened.close();
  }
}
