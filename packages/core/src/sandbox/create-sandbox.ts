/** The sandbox driver the configuration names, with the limits and egress settings it gives. */
import type { Config } from "../config/config";
import type { Logger } from "../logging/logger";
import type { FileOwner } from "../storage/file-owner";
import { BubblewrapSandbox } from "./bubblewrap/bubblewrap-sandbox";
import type { EgressSettings } from "./bubblewrap/bubblewrap-egress";
import type { Sandbox } from "./sandbox";
import { sandboxLimits } from "./sandbox-limits";
import { UnconfinedSandbox } from "./unconfined/unconfined-sandbox";

export type SandboxConfig = Pick<
  Config,
  | "SANDBOX_DRIVER"
  | "SANDBOX_BWRAP_PATH"
  | "SANDBOX_UID"
  | "SANDBOX_GID"
  | "SANDBOX_CPU_SECONDS"
  | "SANDBOX_MEMORY_MB"
  | "SANDBOX_MAX_PROCESSES"
  | "SANDBOX_MAX_FILE_MB"
  | "SANDBOX_MAX_OPEN_FILES"
  | "SANDBOX_TMP_MB"
  | "SANDBOX_EGRESS_PORTS"
  | "STORAGE_DIR"
>;

export function createSandbox(config: SandboxConfig, logger: Logger, overrides: { isAllowedAddress?: EgressSettings["isAllowedAddress"] } = {}): Sandbox {
  const limits = sandboxLimits(config);
  if (config.SANDBOX_DRIVER === "none") return new UnconfinedSandbox({ limits, logger });
  return new BubblewrapSandbox({
    bwrapPath: config.SANDBOX_BWRAP_PATH,
    limits,
    storageRoot: config.STORAGE_DIR,
    runAs: sandboxFileOwner(config),
    egress: { allowedPorts: new Set(config.SANDBOX_EGRESS_PORTS), ...overrides },
    logger,
  });
}

/**
 * Who must own what the server writes into session folders. A root server runs sandboxed
 * commands as SANDBOX_UID (never as root: the kernel does not apply the process limit to root,
 * and root's files would stay out of the sandbox's reach); any other server runs them as itself.
 */
export function sandboxFileOwner(config: Pick<Config, "SANDBOX_DRIVER" | "SANDBOX_UID" | "SANDBOX_GID">): FileOwner | null {
  if (config.SANDBOX_DRIVER !== "bubblewrap" || process.getuid?.() !== 0) return null;
  return { uid: config.SANDBOX_UID, gid: config.SANDBOX_GID };
}
