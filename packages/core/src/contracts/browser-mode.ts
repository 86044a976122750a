/** The browser a session's agent works with (`browserMode`, `cdpUrl`: Mix v0.11.4). */
import { z } from "zod";
import { safeString } from "./text";

export const BROWSER_MODES = ["electron-embedded-browser", "local-browser-service", "remote-cdp-websocket"] as const;
export const BrowserMode = z.enum(BROWSER_MODES, {
  error: `browserMode must be ${BROWSER_MODES.slice(0, -1)
    .map((mode) => `'${mode}'`)
    .join(", ")}, or '${BROWSER_MODES.at(-1)}'`,
});
export type BrowserMode = z.infer<typeof BrowserMode>;

/** What a client of the older contract (which has no browserMode) gets: a browser the server runs. */
export const DEFAULT_BROWSER_MODE: BrowserMode = "local-browser-service";
export const REMOTE_BROWSER_MODE: BrowserMode = "remote-cdp-websocket";
export const MAX_CDP_URL_LENGTH = 2_048;

/** A ws:// or wss:// URL with a host; no whitespace, bounded. */
export const CdpUrl = safeString({ error: "cdpUrl must be a string" })
  .max(MAX_CDP_URL_LENGTH, `cdpUrl must be at most ${MAX_CDP_URL_LENGTH} characters`)
  .refine((value) => isWebSocketUrl(value), "cdpUrl must be a ws:// or wss:// URL");

function isWebSocketUrl(value: string): boolean {
  if (!/^wss?:\/\/\S+$/i.test(value)) return false;
  try {
    return new URL(value).hostname !== "";
  } catch {
    return false;
  }
}
