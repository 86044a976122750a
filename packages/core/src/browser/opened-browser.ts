/** A browser a session works in, however it was opened (launched here, or connected over CDP). */
import type { BrowserContext } from "playwright-core";

export interface OpenedBrowser {
  /** Where the session's pages live. */
  context: BrowserContext;
  /** A local browser's temporary profile folder (gone once closed). */
  profileDir?: string;
  /** Closes (a local browser, its profile deleted) or disconnects (a remote one). Safe to call twice. */
  close(): Promise<void>;
}
