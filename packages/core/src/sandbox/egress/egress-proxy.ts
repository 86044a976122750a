/** The worker's HTTP(S) proxy for sandboxed commands: on a Unix socket, to public addresses and allowed ports only. */
import { chmod, chown, lstat, rm } from "node:fs/promises";
import http from "node:http";
import type { Socket } from "node:net";
import type { Logger } from "../../logging/logger";
import { isPublicAddress } from "../../network/address-guard";
import type { FileOwner } from "../../storage/file-owner";
import { handleConnect } from "./connect-tunnel";
import { handlePlainRequest } from "./plain-http";
import { answerOnResponse, answerOnSocket } from "./proxy-answer";
import type { ProxyContext } from "./proxy-context";

export interface EgressProxyOptions {
  /** The Unix socket to listen on; its folder exists, and should be reachable by the sandbox's user only. */
  socketPath: string;
  /** The socket is chowned to this owner and made 0600; null keeps the process's own user (still 0600). */
  socketOwner: FileOwner | null;
  /** Destination ports a request may name. */
  allowedPorts: ReadonlySet<number>;
  /**
   * Which resolved address may be reached. Default isPublicAddress; tests override it to stand a
   * loopback server in for a public host. Refusals are worded for the default rule.
   */
  isAllowedAddress?: (address: string, port: number) => boolean;
  logger: Logger;
  /** How long connecting to a destination may take, all its addresses together. Default 10 s. */
  connectTimeoutMs?: number;
  /** A tunnel or forwarded request with no bytes either way for this long is closed. Default 5 min. */
  idleTimeoutMs?: number;
  /** Tunnels and forwarded requests at once; one more is answered 503. Default 256. Idle client connections are capped at twice this. */
  maxConnections?: number;
}

export class EgressProxy {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly socketPath: string,
    private readonly server: http.Server,
    private readonly sockets: Set<Socket>,
  ) {}

  static async start(options: EgressProxyOptions): Promise<EgressProxy> {
    const { socketPath, logger } = options;
    const sockets = new Set<Socket>();
    let active = 0;
    const context: ProxyContext = {
      policy: { allowedPorts: options.allowedPorts, isAllowedAddress: options.isAllowedAddress ?? ((address) => isPublicAddress(address)) },
      logger,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMs: options.idleTimeoutMs ?? 5 * 60_000,
      maxConnections: options.maxConnections ?? 256,
      track(socket) {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      },
      admit(holder) {
        if (active >= this.maxConnections) return false;
        active++;
        holder.once("close", () => active--);
        return true;
      },
    };
    const server = createHttpServer(context);
    await removeStaleSocket(socketPath);
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(socketPath, () => {
        server.off("error", reject);
        resolve();
      });
    });
    server.on("error", (error) => logger.warn({ err: error, socketPath }, "egress proxy server error"));
    const proxy = new EgressProxy(socketPath, server, sockets);
    try {
      await chmod(socketPath, 0o600);
      if (options.socketOwner) await chown(socketPath, options.socketOwner.uid, options.socketOwner.gid);
    } catch (error) {
      await proxy.close();
      throw error;
    }
    logger.debug({ socketPath, allowedPorts: [...options.allowedPorts] }, "egress proxy listening");
    return proxy;
  }

  /** Stops listening, destroys open tunnels and requests, and removes the socket file. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
      await rm(this.socketPath, { force: true });
    })();
    return this.closing;
  }
}

function createHttpServer(context: ProxyContext): http.Server {
  const { logger } = context;
  // No whole-request deadline: a long upload or download is bounded by the idle timeout instead.
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 30_000 });
  server.setTimeout(context.idleTimeoutMs);
  // Tunnels and requests are capped (and answered 503) in the handlers; this only bounds idle
  // client connections, which Node closes without a word past the limit.
  server.maxConnections = context.maxConnections * 2;
  const busy = `egress refused: too many connections through the proxy (at most ${context.maxConnections})`;
  server.on("connection", (socket: Socket) => {
    context.track(socket);
    socket.on("error", (error) => logger.debug({ err: error }, "egress client connection failed"));
  });
  server.on("request", (request: http.IncomingMessage, response: http.ServerResponse) => {
    if (!context.admit(response)) {
      logger.warn({ target: request.url, maxConnections: context.maxConnections }, "egress proxy at its connection cap");
      return answerOnResponse(response, 503, busy);
    }
    handlePlainRequest(request, response, context).catch((error: unknown) => {
      logger.warn({ err: error, target: request.url }, "egress request failed");
      answerOnResponse(response, 502, "egress failed: internal proxy error");
    });
  });
  server.on("connect", (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    if (!context.admit(socket)) {
      logger.warn({ target: request.url, maxConnections: context.maxConnections }, "egress proxy at its connection cap");
      return answerOnSocket(socket, 503, busy);
    }
    handleConnect(request, socket, head, context).catch((error: unknown) => {
      logger.warn({ err: error, target: request.url }, "egress tunnel failed");
      answerOnSocket(socket, 502, "egress failed: internal proxy error");
    });
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    logger.debug({ code: error.code }, "egress request malformed");
    if (error.code === "ECONNRESET") return socket.destroy();
    const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
    answerOnSocket(socket, status, `bad request to the egress proxy (${error.code ?? error.message})`);
  });
  return server;
}

/** A socket left by a worker that crashed would make listen fail; anything else at the path is not ours to remove. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(socketPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  if (!stats.isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  await rm(socketPath);
}
