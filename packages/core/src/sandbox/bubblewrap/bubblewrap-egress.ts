/**
 * Egress for bubblewrap sandboxes: the worker's proxy on a Unix socket, started on the first
 * command that may use it, and what each such command binds to reach it.
 */
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Logger } from "../../logging/logger";
import type { FileOwner } from "../../storage/file-owner";
import { EgressProxy } from "../egress/egress-proxy";
import { EGRESS_DIR_INSIDE, EGRESS_FORWARDER_INSIDE, EGRESS_FORWARDER_PORT, EGRESS_SOCKET_INSIDE, egressForwarderFile } from "../egress/egress-paths";
import type { EgressMounts } from "./bwrap-args";

// The worker's own Node binary runs the forwarder, wherever it is installed on the host.
const EGRESS_NODE_INSIDE = `${EGRESS_DIR_INSIDE}/node`;

export interface EgressSettings {
  allowedPorts: ReadonlySet<number>;
  /** Tests only: which resolved address may be reached (default: public addresses). */
  isAllowedAddress?: (address: string, port: number) => boolean;
}

export class BubblewrapEgress {
  private started?: Promise<{ proxy: EgressProxy; dir: string; mounts: EgressMounts }>;

  constructor(
    private readonly settings: EgressSettings,
    private readonly runAs: FileOwner | null,
    private readonly logger: Logger,
  ) {}

  async mounts(): Promise<EgressMounts> {
    this.started ??= this.start().catch((error: unknown) => {
      this.started = undefined;
      throw error;
    });
    return (await this.started).mounts;
  }

  async close(): Promise<void> {
    if (!this.started) return;
    const { proxy, dir } = await this.started;
    this.started = undefined;
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }

  private async start() {
    // bwrap resolves bind sources as the sandbox user: that user may pass through the folder
    // (0711) but not list it, and only it can connect to the socket (0600, its own).
    const dir = await mkdtemp(path.join(os.tmpdir(), "mix-egress-"));
    await chmod(dir, this.runAs ? 0o711 : 0o700);
    const socket = path.join(dir, "proxy.sock");
    const proxy = await EgressProxy.start({
      socketPath: socket,
      socketOwner: this.runAs,
      allowedPorts: this.settings.allowedPorts,
      ...(this.settings.isAllowedAddress ? { isAllowedAddress: this.settings.isAllowedAddress } : {}),
      logger: this.logger,
    });
    const mounts: EgressMounts = {
      socket,
      forwarder: egressForwarderFile(),
      node: process.execPath,
      socketInside: EGRESS_SOCKET_INSIDE,
      forwarderInside: EGRESS_FORWARDER_INSIDE,
      nodeInside: EGRESS_NODE_INSIDE,
      port: EGRESS_FORWARDER_PORT,
    };
    this.logger.info({ allowedPorts: [...this.settings.allowedPorts] }, "sandbox egress proxy started");
    return { proxy, dir, mounts };
  }
}
