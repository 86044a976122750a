/**
 * A tiny MCP server for tests, run as `node tools-server.mts` (Node strips the types itself).
 * Speaks stdio by default; with `--http` it serves Streamable HTTP on a free port, prints
 * `listening <port>` once ready, and with `--token <t>` refuses requests without that bearer.
 * FIXTURE_CRASH=1 makes it write to stderr and exit before speaking, like a broken install;
 * FIXTURE_START_LOG=<file> appends a line to that file at each start (to count restarts).
 */
import { appendFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

function fixtureServer(): McpServer {
  const server = new McpServer({ name: "mix-fixture-tools", version: "1.0.0" });
  server.registerTool(
    "echo",
    {
      description: "Repeats the text",
      inputSchema: { text: z.string(), times: z.number().int().min(1).max(10_000_000).optional() },
      annotations: { readOnlyHint: true },
    },
    async ({ text, times }) => ({ content: [{ type: "text", text: text.repeat(times ?? 1) }] }),
  );
  // A hyphen, so callers see how names outside [A-Za-z0-9_] are rewritten.
  server.registerTool(
    "write-note",
    {
      description: "Pretends to write a note; fails when asked to, waits when told to",
      inputSchema: { note: z.string(), fail: z.boolean().optional(), delayMs: z.number().int().min(0).optional() },
      annotations: { readOnlyHint: false },
    },
    async ({ note, fail, delayMs }, extra) => {
      if (delayMs) await sleep(delayMs, undefined, { signal: extra.signal });
      if (fail) throw new Error(`could not write note "${note}"`);
      return { content: [{ type: "text", text: `noted: ${note}` }] };
    },
  );
  server.registerTool(
    "process_info",
    { description: "The server's pid and the names of its environment variables", annotations: { readOnlyHint: true } },
    async () => ({ content: [{ type: "text", text: JSON.stringify({ pid: process.pid, env: Object.keys(process.env).sort() }) }] }),
  );
  return server;
}

async function serveHttp(token: string | undefined): Promise<void> {
  const http = createServer((request: IncomingMessage, response: ServerResponse) => {
    if (token && request.headers.authorization !== `Bearer ${token}`) {
      response.writeHead(401, { "Content-Type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    // Stateless: one server and transport per request.
    const server = fixtureServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(request, response))
      .catch((error: unknown) => {
        process.stderr.write(`request failed: ${String(error)}\n`);
        if (!response.headersSent) response.writeHead(500).end();
      });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`listening ${(http.address() as AddressInfo).port}\n`);
}

if (process.env.FIXTURE_START_LOG) appendFileSync(process.env.FIXTURE_START_LOG, "start\n");
if (process.env.FIXTURE_CRASH === "1") {
  process.stderr.write("fixture crashed on purpose\n");
  process.exit(3);
}
const args = process.argv.slice(2);
if (args.includes("--http")) {
  const tokenAt = args.indexOf("--token");
  await serveHttp(tokenAt >= 0 ? args[tokenAt + 1] : undefined);
} else {
  await fixtureServer().connect(new StdioServerTransport());
}
