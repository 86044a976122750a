/**
 * `@modelcontextprotocol/inspector` in CLI mode as an outside client: its own MCP client
 * implementation, started as a separate process, against the Streamable HTTP endpoint (with the
 * Bearer key as a header) and against the `mix-mcp` stdio entry (with the key in its env).
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startMcpStack, type McpStack } from "./helpers/mcp-stack";
import { MCP_TOOL_NAMES } from "./helpers/tool-names";

/** The inspector's launcher, run with node directly (no npx, no download). */
const INSPECTOR_BIN = path.join(path.dirname(require.resolve("@modelcontextprotocol/inspector/package.json")), "clients/launcher/build/index.js");
const STDIO_ENTRY = path.join(__dirname, "../dist/stdio.js");

interface InspectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface ToolsListed {
  result: { tools: { name: string; annotations?: Record<string, boolean> }[] };
}

interface ToolCalled {
  result: { isError?: boolean; structuredContent: Record<string, unknown> };
}

describe("MCP Inspector CLI as an outside client", () => {
  let stack: McpStack;
  let home: string;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-inspector" });
    // The inspector keeps a catalog and client config under the home folder: one of its own per run.
    home = await mkdtemp(path.join(tmpdir(), "mix-inspector-"));
  });

  afterAll(async () => {
    await stack?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  const inspector = (args: string[]) =>
    new Promise<InspectorRun>((resolve, reject) => {
      const child = spawn(process.execPath, [INSPECTOR_BIN, "--cli", ...args, "--format", "json"], {
        env: { ...process.env, HOME: home, MCP_CATALOG_PATH: path.join(home, "mcp.json") },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, stdout, stderr }));
    });

  const overHttp = (key: string, ...args: string[]) =>
    // --stored-auth-only: a refused key must fail the run, never start the inspector's interactive OAuth.
    inspector([stack.instances[0]!.url, "--transport", "http", "--header", `Authorization: Bearer ${key}`, "--stored-auth-only", ...args]);

  const parsed = <T>(run: InspectorRun): T => {
    expect({ code: run.code, stderr: run.code === 0 ? "" : run.stderr }).toEqual({ code: 0, stderr: "" });
    return JSON.parse(run.stdout) as T;
  };

  it("tools/list over HTTP shows every tool, with schemas that pass its portability check", async () => {
    // --strict exits 6 when a tool schema has an error-severity portability problem.
    const listed = parsed<ToolsListed>(await overHttp(stack.key, "--method", "tools/list", "--strict"));
    expect(listed.result.tools.map((tool) => tool.name).sort()).toEqual(MCP_TOOL_NAMES);
    expect(listed.result.tools.find((tool) => tool.name === "delete_session")!.annotations).toMatchObject({ destructiveHint: true });
  });

  it("tools/call creates a session and talks to it over HTTP", async () => {
    const created = parsed<ToolCalled>(
      await overHttp(stack.key, "--method", "tools/call", "--tool-name", "create_session", "--tool-arg", "title=From the inspector"),
    );
    expect(created.result.structuredContent).toMatchObject({ title: "From the inspector", sessionType: "main", userMessageCount: 0 });
    const sessionId = created.result.structuredContent.id as string;

    const args = JSON.stringify({ session_id: sessionId, text: "look\n@tool list_directory {}" });
    const sent = parsed<ToolCalled>(await overHttp(stack.key, "--method", "tools/call", "--tool-name", "send_message", "--tool-args-json", args));
    expect(sent.result.isError).toBeFalsy();
    expect(sent.result.structuredContent).toMatchObject({ status: "completed", sessionId, toolCalls: [{ name: "list_directory", status: "succeeded" }] });
  });

  it("a wrong key fails the run with the server's 401 message", async () => {
    const refused = await overHttp("mix_wrong_key", "--method", "tools/list");
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).toBe("");
    expect(refused.stderr).toContain("Invalid API key");
  });

  it("tools/call over stdio, starting `mix-mcp` with the key in its env, sees the key's workspace only", async () => {
    const { apiKeys, sessions } = stack.instances[0]!.services;
    const mine = (await apiKeys.authenticate(stack.key))!.workspaceId;
    const theirs = (await apiKeys.authenticate(stack.otherKey))!.workspaceId;
    await sessions.create(mine, { title: "Seen over stdio", promptMode: "default", sessionType: "main" });
    await sessions.create(theirs, { title: "Another workspace's", promptMode: "default", sessionType: "main" });

    const env = { ...stack.env, MIX_API_KEY: stack.key };
    const envArgs = Object.entries(env).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    const run = await inspector([process.execPath, STDIO_ENTRY, ...envArgs, "--method", "tools/call", "--tool-name", "list_sessions", "-q"]);
    const listed = parsed<ToolCalled>(run).result.structuredContent as { sessions: { title: string }[] };
    const titles = listed.sessions.map((session) => session.title);
    expect(titles).toContain("Seen over stdio");
    expect(titles).not.toContain("Another workspace's");
  });
});
