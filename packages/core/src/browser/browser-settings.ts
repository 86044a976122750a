/** The worker's browser settings, from the deployment's configuration. */
import type { Config } from "../config/config";
import type { Logger } from "../logging/logger";
import type { BrowserManagerOptions } from "./browser-manager";

export type BrowserConfig = Pick<
  Config,
  "BROWSER_EXECUTABLE" | "BROWSER_IDLE_MS" | "BROWSER_MAX_SESSIONS" | "BROWSER_ALLOW_PRIVATE_CDP" | "FETCH_ALLOW_PRIVATE_NETWORKS" | "SANDBOX_EGRESS_PORTS"
>;

export function browserManagerOptions(config: BrowserConfig, logger: Logger): BrowserManagerOptions {
  return {
    executable: config.BROWSER_EXECUTABLE,
    idleMs: config.BROWSER_IDLE_MS,
    maxSessions: config.BROWSER_MAX_SESSIONS,
    allowPrivateCdp: config.BROWSER_ALLOW_PRIVATE_CDP,
    // The browser is the agent's other way onto the web: the deployment's web_fetch rule is its rule too.
    allowPrivateNetworks: config.FETCH_ALLOW_PRIVATE_NETWORKS,
    allowedPorts: new Set(config.SANDBOX_EGRESS_PORTS),
    logger,
  };
}
