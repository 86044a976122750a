#!/usr/bin/env node
/**
 * `mix-mcp`: the MCP server over stdio, for clients that start it as a subprocess. The workspace
 * is the one of MIX_API_KEY (a key from `pnpm create-workspace`). Stdout carries the protocol,
 * so the process logs nothing there.
 */
import { createLogger, loadConfig, openApplication, runService, startTracing, stopTracing, TRACED_SERVICE } from "@mix/core";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createServer } from "./server";

runService(async () => {
  startTracing(TRACED_SERVICE.mcp); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed by runService on stop
  const config = loadConfig();
  if (!config.MIX_API_KEY) throw new Error("MIX_API_KEY is required: the API key of the workspace to serve");
  // Logs go to stdout, which belongs to the protocol here: only failures are reported (on stderr, by runService).
  const logger = createLogger("mcp-stdio", "silent");
  const application = openApplication(config, logger);
  const principal = await application.services.apiKeys.authenticate(config.MIX_API_KEY);
  if (!principal) {
    await application.close();
    throw new Error("MIX_API_KEY is not a valid API key");
  }
  const server = createServer(application.services, principal);
  await server.connect(new StdioServerTransport());
  // The client closing stdin ends the session, and with it the process.
  process.stdin.once("end", () => {
    // Spans still buffered go out before the process does (a no-op when tracing is off).
    server.close().finally(() => application.close().finally(() => stopTracing().finally(() => process.exit(0))));
  });
  return async () => {
    await server.close();
    await application.close();
  };
});
