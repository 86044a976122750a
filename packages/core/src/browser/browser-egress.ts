/**
 * The local browsers' way out: the sandbox's guarded egress proxy (public addresses and the
 * allowed ports only, every address of a name checked and pinned), started for the browsers on
 * a private Unix socket, and a loopback TCP port relaying to it, since Chromium's --proxy-server
 * takes a host and port, not a socket. The relay adds no reach: whoever connects to it gets only
 * what the proxy allows, which is less than a process on the worker has anyway, and sandboxed
 * commands live in their own network namespace, where the worker's loopback is not.
 */
import { mkdtemp, rm } from "node:fs/promises";
import net, { type AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import type { Logger } from "../logging/logger";
import { EgressProxy } from "../sandbox/egress/egress-proxy";

export interface BrowserEgressSettings {
  allowedPorts: ReadonlySet<number>;
  /** Default: public addresses only. FETCH_ALLOW_PRIVATE_NETWORKS (tests serve pages on loopback) allows every address. */
  isAllowedAddress?: (address: string, port: number) => boolean;
}

export class BrowserEgress {
  private constructor(
    /** The proxy as Chromium is told of it: http://127.0.0.1:<port>. */
    readonly proxyServer: string,
    private readonly proxy: EgressProxy,
    private readonly relay: net.Server,
    private readonly connections: Set<net.Socket>,
    private readonly dir: string,
  ) {}

  static async start(settings: BrowserEgressSettings, logger: Logger): Promise<BrowserEgress> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mix-browser-egress-"));
    const socketPath = path.join(dir, "proxy.sock");
    let proxy: EgressProxy | undefined;
    try {
      proxy = await EgressProxy.start({
        socketPath,
        // The worker's own browsers connect to it, as the worker's user.
        socketOwner: null,
        allowedPorts: settings.allowedPorts,
        ...(settings.isAllowedAddress ? { isAllowedAddress: settings.isAllowedAddress } : {}),
        logger,
      });
      const connections = new Set<net.Socket>();
      const relay = await listenRelay(socketPath, connections, logger);
      const { port } = relay.address() as AddressInfo;
      logger.info({ port, allowedPorts: [...settings.allowedPorts] }, "browser egress proxy started");
      return new BrowserEgress(`http://127.0.0.1:${port}`, proxy, relay, connections, dir);
    } catch (error) {
      await proxy?.close();
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.relay.close(() => resolve()));
    for (const socket of this.connections) socket.destroy();
    await closed;
    await this.proxy.close();
    await rm(this.dir, { recursive: true, force: true });
  }
}

function listenRelay(socketPath: string, connections: Set<net.Socket>, logger: Logger): Promise<net.Server> {
  const relay = net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ path: socketPath, allowHalfOpen: true });
    for (const socket of [client, upstream]) {
      connections.add(socket);
      socket.once("close", () => connections.delete(socket));
    }
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on("error", destroyBoth);
    upstream.on("error", (error) => {
      logger.debug({ err: error }, "browser egress relay could not reach the proxy");
      destroyBoth();
    });
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve, reject) => {
    relay.once("error", reject);
    relay.listen(0, "127.0.0.1", () => {
      relay.off("error", reject);
      resolve(relay);
    });
  });
}
