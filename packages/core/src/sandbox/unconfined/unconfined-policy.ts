/**
 * When the "none" driver may run: it lets any session read the worker's secrets, so it is
 * refused in production and wherever more than one workspace shares the stack, unless the
 * operator says explicitly that they accept it.
 */
import type { Config } from "../../config/config";
import { ConfigError } from "../../config/config";

export function checkUnconfinedAllowed(config: Pick<Config, "SANDBOX_DRIVER" | "SANDBOX_ACCEPT_UNCONFINED" | "NODE_ENV">, workspaces: number): void {
  if (config.SANDBOX_DRIVER !== "none" || config.SANDBOX_ACCEPT_UNCONFINED) return;
  const reasons = [
    config.NODE_ENV === "production" ? "NODE_ENV is production" : null,
    workspaces > 1 ? `the database holds ${workspaces} workspaces` : null,
  ].filter((reason) => reason !== null);
  if (reasons.length === 0) return;
  throw new ConfigError(
    `SANDBOX_DRIVER=none runs every agent command unconfined on this host, and ${reasons.join(" and ")}: ` +
      "any session could read the server's secrets and other workspaces' files. Use SANDBOX_DRIVER=bubblewrap, " +
      "or set SANDBOX_ACCEPT_UNCONFINED=true to accept the risk.",
  );
}
