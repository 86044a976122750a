/**
 * GET /api/mcp over a real stack: the servers of MCP_SERVERS_FILE (the fixture MCP server and
 * one that cannot start), listed from the cache that the maintenance worker's repeatable job
 * refreshes, the same from every API instance, scoped to the caller's workspace.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { ConfigError, createLogger, loadConfig, MCP_REFRESH_JOB, McpServersResponse, startMaintenanceWorker, type McpServerStatus } from "@mix/core";
import { mcpFixtureStdioServer, waitFor } from "@mix/testing";
import { createApiApp, type ApiApp } from "../src/app";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const dir = mkdtempSync(join(tmpdir(), "mcp-api-"));
const serversFile = join(dir, "mcp.json");
writeFileSync(
  serversFile,
  JSON.stringify({ mcpServers: { "fixture-tools": mcpFixtureStdioServer(), broken: { command: join(dir, "no-such-server"), args: ["--x"] } } }),
);
const logger = createLogger("test-maintenance", "silent");
let stack: TestStack;
const extraApps: ApiApp[] = [];

beforeAll(async () => {
  stack = await startTestStack({ label: "mcp-api", apiInstances: 2, env: { MCP_SERVERS_FILE: serversFile, MCP_REFRESH_MS: "1000" } });
});
afterAll(async () => {
  await Promise.all(extraApps.map((app) => app.close()));
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

const list = (url: string, key: string) => request(url).get("/api/mcp").set(bearer(key));

/** Another API instance over the same database and Redis, configured with `env` on top. */
async function extraApi(env: Record<string, string | undefined>): Promise<string> {
  const api = await createApiApp(loadConfig({ ...stack.env, ...env }));
  extraApps.push(api);
  await api.app.listen(0, "127.0.0.1");
  return `http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`;
}

describe("GET /api/mcp", () => {
  it("refuses a caller without an API key", async () => {
    const response = await request(stack.apis[0]!.url).get("/api/mcp").expect(401);
    expect(response.body.error).toMatchObject({ code: 401, type: expect.any(String), message: expect.any(String) });
  });

  it("lists the configured servers as disconnected before any refresh", async () => {
    const response = await list(stack.apis[0]!.url, stack.key).expect(200);
    expect(response.body).toEqual([
      { name: "fixture-tools", transport: "stdio", connected: false, status: "disconnected", tools: null, checkedAt: null },
      { name: "broken", transport: "stdio", connected: false, status: "disconnected", tools: null, checkedAt: null },
    ]);
  });

  it("shows tools of connected servers and why others failed once the worker's repeatable job has run, on every instance", async () => {
    const worker = await startMaintenanceWorker(stack.config, logger);
    try {
      expect(await worker.queue.getJobSchedulers()).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: MCP_REFRESH_JOB, name: MCP_REFRESH_JOB, every: 1000 })]),
      );
      const servers = await waitFor(
        async () => {
          const body = (await list(stack.apis[0]!.url, stack.key).expect(200)).body as McpServerStatus[];
          return body.every((server) => server.checkedAt !== null) && body;
        },
        { timeoutMs: 20_000, what: "the MCP servers to be checked" },
      );
      expect(McpServersResponse.safeParse(servers).success).toBe(true);
      const [fixture, broken] = servers;
      expect(fixture).toMatchObject({ name: "fixture-tools", connected: true, status: "connected" });
      expect(fixture!.tools!.map((tool) => tool.name)).toEqual(["echo", "write-note", "process_info"]);
      expect(fixture!.tools![0]).toEqual({ name: "echo", description: "Repeats the text" });
      expect(broken).toMatchObject({ name: "broken", connected: false, status: "failed", tools: null, error: expect.stringContaining("ENOENT") });

      // Another instance reads the same cache; another workspace sees the same global servers.
      const second = (await list(stack.apis[1]!.url, stack.otherKey).expect(200)).body as McpServerStatus[];
      expect(second.map(({ name, status }) => ({ name, status }))).toEqual([
        { name: "fixture-tools", status: "connected" },
        { name: "broken", status: "failed" },
      ]);
    } finally {
      await worker.close();
    }
  });

  it("adds a workspace's own servers for that workspace only", async () => {
    const own = await stack.apis[0]!.api.services.apiKeys.authenticate(stack.key);
    const file = join(dir, "per-workspace.json");
    writeFileSync(
      file,
      JSON.stringify({
        mcpServers: { "fixture-tools": mcpFixtureStdioServer() },
        workspaces: { [own!.workspaceId]: { mcpServers: { private: { url: "http://127.0.0.1:9/mcp" }, "fixture-tools": { disabled: true } } } },
      }),
    );
    const url = await extraApi({ MCP_SERVERS_FILE: file });
    expect((await list(url, stack.key).expect(200)).body).toEqual([
      { name: "private", transport: "http", connected: false, status: "disconnected", tools: null, checkedAt: null },
    ]);
    const others = (await list(url, stack.otherKey).expect(200)).body as McpServerStatus[];
    // The same server as in the stack's file: the stack's worker already checked it.
    expect(others.map(({ name, status }) => ({ name, status }))).toEqual([{ name: "fixture-tools", status: "connected" }]);
  });

  it("answers an empty list when no servers file is configured", async () => {
    const url = await extraApi({ MCP_SERVERS_FILE: undefined });
    expect((await list(url, stack.key).expect(200)).body).toEqual([]);
  });

  it("refuses to start on a missing or invalid servers file, naming the problem", async () => {
    const missing = join(dir, "absent.json");
    await expect(createApiApp(loadConfig({ ...stack.env, MCP_SERVERS_FILE: missing }))).rejects.toThrow(ConfigError);
    await expect(createApiApp(loadConfig({ ...stack.env, MCP_SERVERS_FILE: missing }))).rejects.toThrow(`MCP_SERVERS_FILE: cannot read ${missing}`);
    const invalid = join(dir, "invalid.json");
    writeFileSync(invalid, JSON.stringify({ mcpServers: { s: { url: "ftp://nowhere" } } }));
    await expect(createApiApp(loadConfig({ ...stack.env, MCP_SERVERS_FILE: invalid }))).rejects.toThrow(/mcpServers\.s: url must be an http\(s\) URL/);
  });

  it("stops a worker at startup when the file names an unset variable", async () => {
    const file = join(dir, "needs-secret.json");
    writeFileSync(
      file,
      JSON.stringify({ mcpServers: { s: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer ${MIX_TEST_UNSET_SECRET}" } } } }),
    );
    const config = loadConfig({ ...stack.env, MCP_SERVERS_FILE: file });
    await expect(startMaintenanceWorker(config, logger)).rejects.toThrow('server "s": environment variable MIX_TEST_UNSET_SECRET is not set');
    // The API needs none of the servers' secrets.
    const url = await extraApi({ MCP_SERVERS_FILE: file });
    expect((await list(url, stack.key).expect(200)).body).toEqual([expect.objectContaining({ name: "s", status: "disconnected" })]);
  });
});
