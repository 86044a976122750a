/** CONNECT host:port: a checked, pinned connection, then bytes both ways until both sides are done or idle too long. */
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import { parseAuthority } from "./egress-target";
import { answerOnSocket } from "./proxy-answer";
import type { ProxyContext } from "./proxy-context";
import { reachOrAnswer } from "./upstream";

export async function handleConnect(request: IncomingMessage, client: Socket, head: Buffer, context: ProxyContext): Promise<void> {
  const { logger } = context;
  // Held until the tunnel is up: bytes the client sends early (a TLS hello) must not be lost.
  client.pause();
  client.on("error", (error) => logger.debug({ target: request.url, err: error }, "egress client connection failed"));
  const reached = await reachOrAnswer(parseAuthority(request.url ?? ""), context, (status, reason) => answerOnSocket(client, status, reason));
  if (!reached) return;
  const { socket: upstream, target } = reached;
  if (client.destroyed) {
    logger.debug({ target: target.label }, "egress client left before the tunnel was up");
    upstream.destroy();
    return;
  }
  client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
  if (head.length > 0) upstream.write(head);
  splice(client, upstream, target.label, context);
}

function splice(client: Socket, upstream: Socket, label: string, context: ProxyContext): void {
  const { logger } = context;
  logger.debug({ target: label, address: upstream.remoteAddress }, "egress tunnel open");
  const destroyBoth = () => {
    client.destroy();
    upstream.destroy();
  };
  for (const [socket, side] of [
    [client, "client"],
    [upstream, "target"],
  ] as const) {
    socket.setTimeout(context.idleTimeoutMs, () => {
      logger.debug({ target: label, idleTimeoutMs: context.idleTimeoutMs }, "egress tunnel idle, closing");
      destroyBoth();
    });
    socket.on("error", (error) => {
      logger.debug({ target: label, side, err: error }, "egress tunnel connection failed");
      destroyBoth();
    });
  }
  // A side that is gone gets no more bytes; the other is ended, not destroyed, so what it still
  // has buffered for its peer is delivered. Half-closes travel through the pipes.
  client.on("close", () => upstream.end());
  upstream.on("close", () => {
    client.end();
    logger.debug({ target: label, bytesUp: upstream.bytesWritten, bytesDown: upstream.bytesRead }, "egress tunnel closed");
  });
  client.pipe(upstream);
  upstream.pipe(client);
}
