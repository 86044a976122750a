/** Plain-HTTP proxy requests (GET http://host/path): forwarded to the checked, pinned address, bodies streamed. */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import { EgressRefusal, parseAbsoluteUrl } from "./egress-target";
import { answerOnResponse } from "./proxy-answer";
import type { ProxyContext } from "./proxy-context";
import { reachOrAnswer } from "./upstream";

// Hop-by-hop headers (RFC 9110 7.6.1) and the proxy's own, which belong to this hop only.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"]);

export async function handlePlainRequest(request: IncomingMessage, response: ServerResponse, context: ProxyContext): Promise<void> {
  const { logger } = context;
  const parsed = parseAbsoluteUrl(request.url ?? "");
  const reached = await reachOrAnswer(parsed, context, (status, reason) => answerOnResponse(response, status, reason));
  // reachOrAnswer answered a malformed URL too, so `parsed` is a URL from here on.
  if (!reached || parsed instanceof EgressRefusal) return;
  const label = reached.target.label;
  const { socket: upstream } = reached;
  if (response.destroyed) {
    upstream.destroy();
    return;
  }
  logger.debug({ target: label, address: upstream.remoteAddress, method: request.method }, "egress request");
  // Without an agent the connection serves this one request, and no other lookup can happen.
  const outgoing = http.request({
    createConnection: () => upstream,
    method: request.method,
    path: `${parsed.url.pathname}${parsed.url.search}`,
    headers: { ...forwardedHeaders(request.headersDistinct), host: parsed.url.host },
    timeout: context.idleTimeoutMs,
  });
  let idle = false;
  outgoing.on("timeout", () => {
    idle = true;
    outgoing.destroy();
  });
  outgoing.on("error", (error) => {
    logger.debug({ target: label, idle, err: error }, "egress request to the target failed");
    if (idle) return answerOnResponse(response, 504, `egress failed: ${label} was silent for ${context.idleTimeoutMs / 1000} s`);
    answerOnResponse(response, 502, `egress failed: ${label} (${(error as NodeJS.ErrnoException).code ?? error.message})`);
  });
  outgoing.on("response", (answer) => {
    answer.on("error", (error) => {
      logger.debug({ target: label, err: error }, "egress response from the target failed");
      response.destroy();
    });
    response.writeHead(answer.statusCode ?? 502, answer.statusMessage, forwardedHeaders(answer.headersDistinct));
    answer.pipe(response);
  });
  request.on("error", (error) => {
    logger.debug({ target: label, err: error }, "egress client request failed");
    outgoing.destroy();
  });
  // The client left before the answer was complete: nobody reads the rest.
  response.on("close", () => {
    if (!response.writableFinished) outgoing.destroy();
  });
  request.pipe(outgoing);
}

/** The end-to-end headers, without the hop-by-hop ones, those Connection names, Proxy-* and Host. */
function forwardedHeaders(headers: NodeJS.Dict<string[]>): Record<string, string[]> {
  const dropped = new Set(HOP_BY_HOP);
  for (const value of headers.connection ?? []) for (const token of value.split(",")) dropped.add(token.trim().toLowerCase());
  const kept: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (values && !dropped.has(name) && !name.startsWith("proxy-") && name !== "host") kept[name] = values;
  }
  return kept;
}
