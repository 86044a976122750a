/**
 * The MCP server process (`node dist/http.js`) with MCP_METRICS_PORT: its process metrics on
 * their own port, apart from the MCP endpoint; without the setting, no such port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import path from "node:path";
import { waitFor } from "@mix/testing";
import { startMcpStack, type McpStack } from "./helpers/mcp-stack";

let stack: McpStack;
let child: ChildProcess | undefined;

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-metrics", workers: 0 });
});
afterEach(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child!.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
});
afterAll(() => stack?.close());

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function startServer(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(__dirname, "../dist/http.js")], {
    env: { ...process.env, ...stack.env, HOST: "127.0.0.1", ...env },
    stdio: "ignore",
  });
}

it("serves its metrics on MCP_METRICS_PORT", async () => {
  const [mcpPort, metricsPort] = [await freePort(), await freePort()];
  child = startServer({ MCP_PORT: String(mcpPort), MCP_METRICS_PORT: String(metricsPort), METRICS_HOST: "127.0.0.1" });
  const text = await waitFor(async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text(), { timeoutMs: 20_000, what: "the MCP metrics port" });
  expect(text).toContain("# TYPE mix_process_cpu_seconds_total counter");
  expect(text).toContain("mix_postgres_errors_total");
  // The MCP endpoint does not serve them, and the metrics port serves nothing else.
  expect((await fetch(`http://127.0.0.1:${mcpPort}/metrics`)).status).toBe(404);
  expect((await fetch(`http://127.0.0.1:${metricsPort}/mcp`)).status).toBe(404);
});

it("opens no metrics port when MCP_METRICS_PORT is 0", async () => {
  const [mcpPort, metricsPort] = [await freePort(), await freePort()];
  child = startServer({ MCP_PORT: String(mcpPort), MCP_METRICS_PORT: "0" });
  // Once the MCP endpoint answers the process is up: the metrics port stays closed.
  await waitFor(async () => (await fetch(`http://127.0.0.1:${mcpPort}/mcp`)).status === 401, { timeoutMs: 20_000, what: "the MCP endpoint" });
  await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
});
