import { join } from "node:path";
import { deleteRedisPrefix, mcpFixtureStdioServer, testRedisPrefix } from "@mix/testing";
import { loadConfig } from "../config/config";
import { createLogger } from "../logging/logger";
import { McpServerCatalog } from "./mcp-servers-file";
import { McpServersService } from "./mcp-servers.service";
import { McpServersResponse, McpStatusCache } from "./mcp-status";
import { refreshMcpServerStatus } from "./mcp-status-refresh";
import { McpToolSource } from "./mcp-tool-source";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("mcp-status");
const keys = testRedisKeys(prefix);
const redis = testRedis();
const logger = createLogger("mcp-status-test", "silent");
const config = loadConfig({ DATABASE_URL: "postgres://unused/db" });
const TTL = McpStatusCache.ttlFor(60_000);

const fileText = JSON.stringify({
  mcpServers: {
    "fixture-tools": mcpFixtureStdioServer(),
    broken: { command: join(__dirname, "no-such-server") },
  },
  workspaces: { w1: { mcpServers: { extra: { url: "http://127.0.0.1:9/mcp", headers: { Authorization: "Bearer ${MISSING_IN_API:-x}" } } } } },
});
// The worker and the API read the file each on their own, as separate processes do.
const source = new McpToolSource({ config, logger, catalog: McpServerCatalog.parse(fileText), requestTimeoutMs: 5_000 });
const cache = new McpStatusCache(redis, keys, TTL);
const service = new McpServersService(McpServerCatalog.parse(fileText), cache);

afterAll(async () => {
  await source.close();
  await deleteRedisPrefix(prefix);
  redis.disconnect();
});

describe("GET /api/mcp's data", () => {
  it("lists servers as disconnected before the first refresh", async () => {
    const servers = await service.list("w1");
    expect(servers).toEqual([
      { name: "fixture-tools", transport: "stdio", connected: false, status: "disconnected", tools: null, checkedAt: null },
      { name: "broken", transport: "stdio", connected: false, status: "disconnected", tools: null, checkedAt: null },
      { name: "extra", transport: "http", connected: false, status: "disconnected", tools: null, checkedAt: null },
    ]);
    expect(McpServersResponse.safeParse(servers).success).toBe(true);
  });

  it("shows what the refresh found: tools of a connected server, why another failed", async () => {
    const outcome = await refreshMcpServerStatus({ source, cache, logger });
    expect(outcome).toEqual({ checked: 3, connected: 1 });
    const [fixture, broken, extra] = await service.list("w1");
    expect(fixture).toEqual({
      name: "fixture-tools",
      transport: "stdio",
      connected: true,
      status: "connected",
      tools: [
        { name: "echo", description: "Repeats the text" },
        { name: "write-note", description: "Pretends to write a note; fails when asked to, waits when told to" },
        { name: "process_info", description: "The server's pid and the names of its environment variables" },
      ],
      checkedAt: expect.any(String),
    });
    expect(Date.parse(fixture!.checkedAt!)).toBeGreaterThan(Date.now() - 60_000);
    expect(broken).toMatchObject({ connected: false, status: "failed", tools: null, error: expect.stringContaining("ENOENT") });
    expect(extra).toMatchObject({ connected: false, status: "failed", tools: null });
    expect(McpServersResponse.safeParse([fixture, broken, extra]).success).toBe(true);
  });

  it("lists only the global servers for a workspace without a section of its own", async () => {
    expect((await service.list("someone-else")).map((server) => server.name)).toEqual(["fixture-tools", "broken"]);
  });

  it("expires the cache a few refresh periods after the last refresh", async () => {
    const ttl = await redis.ttl(keys.mcpServerChecks());
    expect(ttl).toBeGreaterThan(TTL - 10);
    expect(ttl).toBeLessThanOrEqual(TTL);
    expect(McpStatusCache.ttlFor(60_000)).toBe(210);
  });

  it("drops the checks of servers no longer configured when it refreshes", async () => {
    const smaller = new McpToolSource({
      config,
      logger,
      catalog: McpServerCatalog.parse(JSON.stringify({ mcpServers: { broken: { command: join(__dirname, "no-such-server") } } })),
    });
    try {
      await refreshMcpServerStatus({ source: smaller, cache, logger });
      expect(await redis.hlen(keys.mcpServerChecks())).toBe(1);
      expect((await service.list("w1")).map((server) => server.status)).toEqual(["disconnected", "failed", "disconnected"]);
    } finally {
      await smaller.close();
    }
  });

  it("treats an unreadable cached check as not checked", async () => {
    const fingerprint = source.catalog.forWorkspace("w1")[0]!.fingerprint;
    await redis.hset(keys.mcpServerChecks(), fingerprint, "{not json");
    expect((await service.list("w1"))[0]).toMatchObject({ status: "disconnected", connected: false });
    await redis.hset(keys.mcpServerChecks(), fingerprint, JSON.stringify({ connected: true }));
    expect((await service.list("w1"))[0]).toMatchObject({ status: "disconnected", connected: false });
  });

  it("answers an empty list when no servers are configured", async () => {
    expect(await new McpServersService(McpServerCatalog.EMPTY, cache).list("w1")).toEqual([]);
  });
});
