/** Reaching a destination the rule allows: only its checked addresses, in the resolver's order, within one deadline. */
import net from "node:net";
import { checkTarget, EgressRefusal, targetLabel, type CheckedTarget } from "./egress-target";
import type { ProxyContext } from "./proxy-context";

class ConnectTimeout extends Error {}

/** How a handler answers a refusal on its own kind of connection (a raw socket, an HTTP response). */
export type AnswerRefusal = (status: number, reason: string) => void;

/**
 * The target a request named (or why it named none), checked and connected. A refusal is logged
 * and answered through `answer`, and then there is nothing to return.
 */
export async function reachOrAnswer(
  requested: { host: string; port: number } | EgressRefusal,
  context: ProxyContext,
  answer: AnswerRefusal,
): Promise<{ target: CheckedTarget; socket: net.Socket } | undefined> {
  const { logger } = context;
  if (requested instanceof EgressRefusal) {
    logger.debug({ status: requested.status, reason: requested.reason }, "egress request malformed");
    answer(requested.status, requested.reason);
    return undefined;
  }
  const reached = await openUpstream(requested.host, requested.port, context);
  if (reached instanceof EgressRefusal) {
    const label = targetLabel(requested.host, requested.port);
    logger.warn({ target: label, status: reached.status, reason: reached.reason }, reached.status >= 500 ? "egress failed" : "egress refused");
    answer(reached.status, reached.reason);
    return undefined;
  }
  return reached;
}

/** Checks host:port against the rule and connects to it: a connected socket, or why not. */
export async function openUpstream(host: string, port: number, context: ProxyContext): Promise<{ target: CheckedTarget; socket: net.Socket } | EgressRefusal> {
  const target = await checkTarget(host, port, context.policy);
  if (target instanceof EgressRefusal) return target;
  const socket = await connectUpstream(target, context);
  return socket instanceof EgressRefusal ? socket : { target, socket };
}

/**
 * Tries each checked address until one accepts (a name with an IPv6 address first still works on
 * a worker without IPv6), never resolving the name again, so DNS rebinding cannot swap it.
 * Refused with 504 past the deadline, 502 when every address refused the connection.
 */
async function connectUpstream(target: CheckedTarget, context: ProxyContext): Promise<net.Socket | EgressRefusal> {
  const deadline = Date.now() + context.connectTimeoutMs;
  let lastError: unknown;
  for (const { address } of target.addresses) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) break;
    try {
      return await connectOnce(address, target.port, remaining, context);
    } catch (error) {
      lastError = error;
      if (error instanceof ConnectTimeout) break;
    }
  }
  if (lastError === undefined || lastError instanceof ConnectTimeout) {
    return new EgressRefusal(504, `egress failed: ${target.label} did not accept a connection within ${context.connectTimeoutMs / 1000} s`);
  }
  const code = (lastError as NodeJS.ErrnoException).code ?? (lastError as Error).message;
  return new EgressRefusal(502, `egress failed: cannot connect to ${target.label} (${code})`);
}

function connectOnce(address: string, port: number, timeoutMs: number, context: ProxyContext): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    // An IP literal as host: net.connect does no lookup of its own.
    const socket = net.connect({ host: address, port, allowHalfOpen: true });
    context.track(socket);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ConnectTimeout());
    }, timeoutMs);
    const failed = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    socket.once("error", failed);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.off("error", failed);
      resolve(socket);
    });
  });
}
