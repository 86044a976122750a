/**
 * MCP over Streamable HTTP at `/mcp`, stateless: each POST gets its own server and transport,
 * bound to the request's API key, and both are dropped when the response ends. No MCP session
 * lives in the process, so any number of instances can sit behind a load balancer.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createLogger,
  httpServerSpans,
  loadConfig,
  openApplication,
  runService,
  startTracing,
  TRACED_SERVICE,
  type ApplicationServices,
  type Logger,
} from "@mix/core";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { authenticateRequest } from "./http-auth";
import { startMcpMetrics } from "./mcp-metrics";
import { createServer } from "./server";

export const MCP_PATH = "/mcp";

export interface McpHttpServer {
  server: Server;
  /** e.g. http://127.0.0.1:8090/mcp */
  url: string;
  close(): Promise<void>;
}

export async function startMcpHttpServer(services: ApplicationServices, logger: Logger, options: { port: number; host: string }): Promise<McpHttpServer> {
  // A server span per request when tracing is on (a no-op otherwise); the tools' own spans nest under it.
  const spans = httpServerSpans((request) => (new URL(request.url ?? "/", "http://localhost").pathname === MCP_PATH ? MCP_PATH : undefined));
  const server = createHttpServer((request, response) => {
    spans(request, response, () => {
      handle(services, logger, request, response).catch((error: unknown) => {
        logger.error({ err: error }, "MCP request failed");
        if (!response.headersSent) sendJson(response, 500, { jsonrpc: "2.0", error: { code: -32603, message: "Internal server error" }, id: null });
        else response.end();
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host === "0.0.0.0" ? "127.0.0.1" : options.host;
  return {
    server,
    url: `http://${host}:${port}${MCP_PATH}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

async function handle(services: ApplicationServices, logger: Logger, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? "/", "http://localhost").pathname;
  if (path !== MCP_PATH) return sendJson(response, 404, { error: { code: 404, message: `Not found; the MCP endpoint is ${MCP_PATH}`, type: "not_found" } });
  // Checked before any MCP handling: a refused request never reaches a tool.
  const auth = await authenticateRequest(services, request);
  if ("error" in auth) {
    response.setHeader("WWW-Authenticate", 'Bearer realm="mix"');
    return sendJson(response, 401, { error: { code: 401, message: auth.error, type: "unauthorized" } });
  }
  // Stateless mode has no stream to resume (GET) and no session to end (DELETE).
  if (request.method !== "POST") {
    response.setHeader("Allow", "POST");
    return sendJson(response, 405, { jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this server is stateless, use POST" }, id: null });
  }
  const mcp = createServer(services, auth.principal, request.socket.remoteAddress ?? null);
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  response.on("close", () => {
    transport.close().catch((error: unknown) => logger.warn({ err: error }, "closing an MCP transport failed"));
    mcp.close().catch((error: unknown) => logger.warn({ err: error }, "closing an MCP server failed"));
  });
  await mcp.connect(transport);
  await transport.handleRequest(request, response);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}

if (require.main === module) {
  runService(async () => {
    startTracing(TRACED_SERVICE.mcp); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed by runService on stop
    const config = loadConfig();
    const logger = createLogger("mcp-server", config.LOG_LEVEL);
    const application = openApplication(config, logger);
    const http = await startMcpHttpServer(application.services, logger, { port: config.MCP_PORT, host: config.HOST });
    logger.info({ port: config.MCP_PORT }, `MCP server listening on ${http.url}`);
    const metrics = await startMcpMetrics(config, logger);
    return async (signal) => {
      logger.info({ signal }, "shutting down");
      await http.close();
      await metrics.close();
      await application.close();
    };
  });
}
