/**
 * The stream gateway's HTTP server: `GET /stream` exactly as the API serves it (same auth,
 * checks, errors and stream), its health probes and `/metrics`, on plain node:http. No
 * framework sits under a stream, so an idle one holds its socket, its request and response,
 * and the stream's own few objects: what lets one process carry 10,000 of them in little memory.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import cors from "cors";
import { hasMetricsToken, METRICS_CONTENT_TYPE, recordHttpRequest, renderMetrics, type StreamInfrastructure } from "@mix/core/streaming";
import { endStreamOnRevocation } from "../common/auth/bearer-key";
import { assertSafeRequestText } from "../common/auth/request-text";
import { corsOptions } from "../common/cors";
import { apiHeaders } from "../common/security-headers";
import { SessionStreams } from "../stream/session-stream";
import { authenticateStream } from "./gateway-auth";
import { routeNotFound, sendError, sendJson } from "./gateway-errors";

export interface StreamGateway {
  readonly server: Server;
  readonly port: number;
  close(): Promise<void>;
}

/** A query string as Express reads it for these routes: a repeated name gives an array (which the checks refuse). */
function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const held = query[name];
    query[name] = held === undefined ? value : Array.isArray(held) ? [...held, value] : [held, value];
  }
  return query;
}

/** The gateway's routes, labelled as the API labels the same ones (common/http-metrics.ts): never the raw URL. */
const ROUTES = new Set(["/stream", "/health", "/health/live", "/health/ready", "/metrics"]);

function routeOf(request: IncomingMessage): string {
  const pathname = new URL(request.url ?? "/", "http://gateway").pathname;
  return request.method === "GET" && ROUTES.has(pathname) ? pathname : "unmatched";
}

type Middleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;
const run = (middleware: Middleware, request: IncomingMessage, response: ServerResponse) =>
  new Promise<void>((resolve, reject) => middleware(request, response, (error) => (error ? reject(error) : resolve())));

export async function startStreamGateway(infra: StreamInfrastructure, listen: { port: number; host: string }): Promise<StreamGateway> {
  const { config, logger } = infra;
  const streams = new SessionStreams({
    events: infra.events,
    fanout: infra.fanout,
    slots: infra.streamSlots,
    notifications: infra.notifications,
    requireSession: (workspaceId, sessionId) => infra.requireSession(workspaceId, sessionId),
    settings: { heartbeatMs: config.SSE_HEARTBEAT_MS, maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES, retryMs: config.SSE_RETRY_MS },
    logger,
  });
  const allowOrigins = cors(corsOptions(config.CORS_ORIGINS));

  async function stream(url: URL, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const query = queryOf(url);
    assertSafeRequestText({ query, headers: request.headers });
    const principal = await authenticateStream(infra, request.headers.authorization, query.token);
    endStreamOnRevocation(infra.apiKeys, principal, response);
    const header = request.headers["last-event-id"];
    const lastEventIdHeader = typeof header === "string" ? header : undefined;
    await streams.serve(principal, { sessionId: query.sessionId, lastEventIdHeader, lastEventIdQuery: query.lastEventId }, request, response);
  }

  async function ready(response: ServerResponse): Promise<void> {
    try {
      await infra.ping();
      sendJson(response, 200, { status: "ok" });
    } catch {
      sendJson(response, 503, { status: "unavailable" });
    }
  }

  async function metrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (!hasMetricsToken(request.headers.authorization, config.METRICS_TOKEN)) {
      response.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": "Bearer" }).end("metrics token required\n");
      return;
    }
    response.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE }).end(await renderMetrics());
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    await run(apiHeaders, request, response);
    // A preflight is answered here, before authentication: browsers send it without the key.
    await run(allowOrigins, request, response);
    if (response.writableEnded) return;
    const url = new URL(request.url ?? "/", "http://gateway");
    const get = request.method === "GET";
    if (get && url.pathname === "/stream") return stream(url, request, response);
    if (get && (url.pathname === "/health" || url.pathname === "/health/live")) return sendJson(response, 200, { status: "ok" });
    if (get && url.pathname === "/health/ready") return ready(response);
    if (get && url.pathname === "/metrics") return metrics(request, response);
    routeNotFound(response);
  }

  const server = createServer((request, response) => {
    // In mix_http_requests_total and its duration like the API's requests: a stream counts once it closes.
    const startedAt = performance.now();
    response.once("close", () => {
      recordHttpRequest({ route: routeOf(request), method: request.method ?? "GET", status: response.statusCode }, (performance.now() - startedAt) / 1000);
    });
    handle(request, response).catch((error: unknown) => sendError(response, error, logger));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(listen.port, listen.host, () => resolve());
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    async close() {
      // Open streams never end by themselves: cut them, so their clients resume elsewhere.
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
