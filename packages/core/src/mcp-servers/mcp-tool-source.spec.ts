import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mcpFixtureStdioServer, startMcpHttpFixture, waitFor, type McpHttpFixture } from "@mix/testing";
import { loadConfig } from "../config/config";
import { createLogger } from "../logging/logger";
import { inputJsonSchema, type Tool, type ToolContext } from "../tools/tool";
import { testSandbox } from "../../test/helpers/test-sandbox";
import { McpToolSource, type McpToolSourceDeps } from "./mcp-tool-source";

const dir = mkdtempSync(join(tmpdir(), "mcp-source-"));
const startLog = join(dir, "starts.log");
const crashLog = join(dir, "crash-starts.log");
const logger = createLogger("mcp-test", "silent");
const TOKEN = "fixture-token-123";
let http: McpHttpFixture;
let source: McpToolSource;

function sourceFor(file: object, deps: Partial<McpToolSourceDeps> = {}): McpToolSource {
  const path = join(dir, `mcp-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(file));
  const config = loadConfig({ DATABASE_URL: "postgres://unused/db", MCP_SERVERS_FILE: path });
  return new McpToolSource({ config, logger, env: { FIXTURE_TOKEN: TOKEN }, ...deps });
}

// MCP tools run no command of their own: the sandbox is there because every tool call has one.
const context = (signal = new AbortController().signal): ToolContext => ({
  sessionDir: join(dir, "session"),
  signal,
  limits: { allowPrivateNetworks: false },
  sandbox: testSandbox(dir),
  network: "none",
});
const byName = (tools: Tool[], name: string) => {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`no tool ${name} among ${tools.map((candidate) => candidate.name).join(", ")}`);
  return tool;
};
const processInfo = async (tools: Tool[]) =>
  JSON.parse((await byName(tools, "fixture_tools_process_info").run({}, context())).output) as { pid: number; env: string[] };
const starts = (log: string) => (existsSync(log) ? readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);

beforeAll(async () => {
  http = await startMcpHttpFixture({ token: TOKEN });
  source = sourceFor({
    mcpServers: {
      "fixture-tools": mcpFixtureStdioServer({ GREETING: "hi", FIXTURE_START_LOG: startLog }),
      broken: { command: join(dir, "no-such-server") },
      crashing: mcpFixtureStdioServer({ FIXTURE_CRASH: "1", FIXTURE_START_LOG: crashLog }),
    },
    workspaces: {
      "ws-http": {
        mcpServers: {
          remote: { url: http.url, headers: { Authorization: "Bearer ${FIXTURE_TOKEN}" } },
          locked: { url: http.url, headers: { Authorization: "Bearer wrong" } },
        },
      },
    },
  });
});
afterAll(async () => {
  await source?.close();
  await http?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("McpToolSource", () => {
  it("offers the workspace's tools as <server>_<tool>, read-only from the annotations; unreachable servers add none", async () => {
    const tools = await source.tools("ws-plain");
    expect(tools.map((tool) => tool.name)).toEqual(["fixture_tools_echo", "fixture_tools_write_note", "fixture_tools_process_info"]);
    const echo = byName(tools, "fixture_tools_echo");
    expect(echo).toMatchObject({ description: "Repeats the text", readOnly: true, requiresPermission: false, category: "mcp" });
    expect(byName(tools, "fixture_tools_write_note")).toMatchObject({ readOnly: false, requiresPermission: true });
    // What the model is offered is the server's own schema.
    expect(inputJsonSchema(echo)).toMatchObject({ type: "object", properties: { text: { type: "string" }, times: { type: "integer" } }, required: ["text"] });
  });

  it("calls a tool and returns its text", async () => {
    const echo = byName(await source.tools("ws-plain"), "fixture_tools_echo");
    expect(await echo.run({ text: "hey", times: 2 }, context())).toEqual({ output: "heyhey", isError: false });
  });

  it("turns a tool's failure, bad arguments and non-object input into error results", async () => {
    const note = byName(await source.tools("ws-plain"), "fixture_tools_write_note");
    const failure = await note.run({ note: "n", fail: true }, context());
    expect(failure.isError).toBe(true);
    expect(failure.output).toContain('could not write note "n"');
    expect(await note.run({ note: "ok" }, context())).toEqual({ output: "noted: ok", isError: false });
    expect((await note.run({ note: 5 }, context())).isError).toBe(true);
    expect(await note.run("text", context())).toEqual({ output: "Invalid input for fixture_tools_write_note: expected an object", isError: true });
  });

  it("caps a long output and says how much was cut", async () => {
    const echo = byName(await source.tools("ws-plain"), "fixture_tools_echo");
    const result = await echo.run({ text: "ab", times: 100_000 }, context());
    expect(result.isError).toBe(false);
    expect(result.output).toBe(`${"ab".repeat(15_000)}\n[output truncated: 170000 more characters]`);
  });

  it("starts a stdio server with only PATH and the variables of the file", async () => {
    const { env } = await processInfo(await source.tools("ws-plain"));
    expect(env).toEqual(["FIXTURE_START_LOG", "GREETING", "PATH"]);
  });

  it("keeps one connection (one process) per server across runs", async () => {
    const first = await processInfo(await source.tools("ws-plain"));
    const second = await processInfo(await source.tools("another-workspace"));
    expect(second.pid).toBe(first.pid);
    expect(starts(startLog)).toBe(1);
  });

  it("throws the run's abort reason when the signal fires mid-call, and the connection stays usable", async () => {
    const tools = await source.tools("ws-plain");
    const controller = new AbortController();
    const call = byName(tools, "fixture_tools_write_note").run({ note: "slow", delayMs: 10_000 }, context(controller.signal));
    setTimeout(() => controller.abort(new Error("run cancelled")), 100);
    await expect(call).rejects.toThrow("run cancelled");
    await expect(byName(tools, "fixture_tools_echo").run({ text: "x" }, context(AbortSignal.abort(new Error("already cancelled"))))).rejects.toThrow(
      "already cancelled",
    );
    expect((await byName(tools, "fixture_tools_echo").run({ text: "still here" }, context())).output).toBe("still here");
    expect(starts(startLog)).toBe(1);
  });

  it("gives an error result for a call over the time limit", async () => {
    const quick = sourceFor({ mcpServers: { "fixture-tools": mcpFixtureStdioServer() } }, { callTimeoutMs: 300 });
    try {
      const result = await byName(await quick.tools("w"), "fixture_tools_write_note").run({ note: "slow", delayMs: 5_000 }, context());
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(/did not answer within/);
    } finally {
      await quick.close();
    }
  });

  it("reports a server that cannot start as not connected, with why", async () => {
    const [, broken, crashing] = source.catalog.forWorkspace("ws-plain");
    const brokenCheck = await source.check(broken!);
    expect(brokenCheck).toMatchObject({ connected: false, error: expect.stringContaining("ENOENT") });
    const crashingCheck = await source.check(crashing!);
    expect(crashingCheck).toMatchObject({ connected: false, error: expect.stringContaining("fixture crashed on purpose") });
  });

  it("retries a failed server only after a backoff, and at once when the background check asks", async () => {
    const fresh = sourceFor({ mcpServers: { crashing: mcpFixtureStdioServer({ FIXTURE_CRASH: "1", FIXTURE_START_LOG: join(dir, "backoff.log") }) } });
    try {
      expect(await fresh.tools("w")).toEqual([]);
      expect(await fresh.tools("w")).toEqual([]);
      expect(starts(join(dir, "backoff.log"))).toBe(1);
      await fresh.check(fresh.catalog.distinct()[0]!);
      expect(starts(join(dir, "backoff.log"))).toBe(2);
    } finally {
      await fresh.close();
    }
  });

  it("reaches Streamable HTTP servers with the file's headers, variables expanded", async () => {
    const tools = await source.tools("ws-http");
    expect(tools.map((tool) => tool.name)).toContain("remote_echo");
    expect(tools.some((tool) => tool.name.startsWith("locked_"))).toBe(false);
    expect(await byName(tools, "remote_echo").run({ text: "over http" }, context())).toEqual({ output: "over http", isError: false });
    const locked = source.catalog.forWorkspace("ws-http").find((entry) => entry.name === "locked")!;
    expect(await source.check(locked)).toMatchObject({ connected: false, error: expect.stringContaining("unauthorized") });
  });

  it("keeps other workspaces' servers out", async () => {
    const names = (await source.tools("ws-plain")).map((tool) => tool.name);
    expect(names.some((name) => name.startsWith("remote_"))).toBe(false);
  });

  it("offers nothing when no file is configured", async () => {
    const none = new McpToolSource({ config: loadConfig({ DATABASE_URL: "postgres://unused/db" }), logger });
    expect(await none.tools("w")).toEqual([]);
    await none.close();
  });

  it("stops stdio servers on close, after which calls are error results", async () => {
    const own = sourceFor({ mcpServers: { "fixture-tools": mcpFixtureStdioServer() } });
    const tools = await own.tools("w");
    const { pid } = await processInfo(tools);
    await own.close();
    await waitFor(
      () => {
        try {
          process.kill(pid, 0);
          return false;
        } catch {
          return true;
        }
      },
      { what: "the server process to exit" },
    );
    expect((await byName(tools, "fixture_tools_echo").run({ text: "x" }, context())).isError).toBe(true);
  });
});
