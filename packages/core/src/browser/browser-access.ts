/**
 * The port through which the browser tools reach their session's browser (ToolContext.browser).
 * The worker's BrowserManager hands each run one bound to its session; subagents share it.
 */
import type { Page } from "playwright-core";

export interface BrowserAccess {
  /**
   * Runs `use` with the session's current page, opening the browser on first use. The browser
   * is not closed for idleness while `use` runs. Throws a ToolError when this session's browser
   * cannot be driven here (its mode, the workspace's network, the worker's cap).
   */
  withPage<T>(signal: AbortSignal, use: (page: Page) => Promise<T>): Promise<T>;
  /** Refuses (ToolError) a URL the agent may not open: a scheme other than http(s), or an address the browser may not reach. */
  checkUrl(url: string): Promise<URL>;
}
