/**
 * A process's metrics over plain HTTP (the worker and the MCP server, which serve no REST):
 * `GET /metrics` in Prometheus text format, nothing else. With a token configured, a scrape
 * must send it as a bearer token.
 */
import { timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./registry";

export interface MetricsServerOptions {
  port: number;
  host: string;
  /** Required as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
}

export interface MetricsServer {
  /** The port it listens on (the one asked for, or the one the system chose for 0 in tests). */
  port: number;
  close(): Promise<void>;
}

/** Whether the request's Authorization header carries `token` (compared in constant time). */
export function hasMetricsToken(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const sent = Buffer.from(authorization ?? "");
  const expected = Buffer.from(`Bearer ${token}`);
  return sent.length === expected.length && timingSafeEqual(sent, expected);
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
      return;
    }
    if (!hasMetricsToken(request.headers.authorization, options.token)) {
      response.writeHead(401, { "Content-Type": "text/plain", "WWW-Authenticate": "Bearer" }).end("metrics token required\n");
      return;
    }
    renderMetrics().then(
      (text) => response.writeHead(200, { "Content-Type": METRICS_CONTENT_TYPE }).end(request.method === "HEAD" ? undefined : text),
      (error: unknown) =>
        response.writeHead(500, { "Content-Type": "text/plain" }).end(`could not collect metrics: ${(error as Error)?.message ?? String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
