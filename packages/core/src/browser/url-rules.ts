/**
 * Which URLs the agent's browser may open: http(s) only (never file:, chrome:, data:,
 * javascript:, view-source: and the like), and, for the local browser, hosts whose every address
 * is public, by the same rule as web_fetch and the sandbox's egress. The egress proxy enforces
 * the address rule on every request the browser makes; this check refuses a navigation the agent
 * asks for before it happens, with a reason the model can act on.
 */
import { isPublicAddress, lookupAddresses, NOT_PUBLIC, type ResolvedTarget } from "../network/address-guard";
import { ToolError } from "../tools/tool";

export const MAX_URL_LENGTH = 8_192;
const BROWSABLE = new Set(["http:", "https:"]);

/** The URL, parsed; a ToolError for anything but an absolute http(s) URL. */
export function parseBrowsableUrl(raw: string): URL {
  if (raw.length > MAX_URL_LENGTH) throw new ToolError(`The URL is longer than ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ToolError(`Not a valid absolute URL: ${JSON.stringify(raw.slice(0, 200))}`);
  }
  if (!BROWSABLE.has(url.protocol)) {
    throw new ToolError(`Refused ${url.protocol} URL: the browser opens http:// and https:// URLs only`);
  }
  return url;
}

/** A request the page makes may use these too (inline images, blobs it made itself); nothing else is fetched. */
export function isRequestSchemeAllowed(raw: string): boolean {
  const scheme = raw.slice(0, raw.indexOf(":") + 1).toLowerCase();
  return BROWSABLE.has(scheme) || scheme === "data:" || scheme === "blob:";
}

/**
 * Refuses (ToolError) a host with any address that is not public, unless private networks are
 * allowed; returns the first address checked (null when nothing was checked), for pinning.
 */
export async function checkPublicHost(hostname: string, what: string, allowPrivate: boolean): Promise<ResolvedTarget | null> {
  if (allowPrivate) return null;
  let addresses;
  try {
    addresses = await lookupAddresses(hostname);
  } catch (error) {
    throw new ToolError(`Cannot resolve ${hostname} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  if (addresses.length === 0) throw new ToolError(`${hostname} has no address`);
  const blocked = addresses.find((entry) => !isPublicAddress(entry.address));
  if (blocked) {
    const which = blocked.address === hostname.replace(/^\[|\]$/g, "") ? hostname : `${hostname} resolves to ${blocked.address}, which`;
    throw new ToolError(`Refused ${what}: ${which} is ${NOT_PUBLIC}; ${what === "cdpUrl" ? "a remote browser" : "the browser"} reaches public addresses only`);
  }
  return addresses[0]!;
}
