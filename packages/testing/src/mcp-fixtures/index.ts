/**
 * How tests start the fixture MCP server (tools `echo` read-only, `write-note`, `process_info`
 * read-only): as a stdio server entry for an MCP servers file, or over Streamable HTTP.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";

// The source when tests run from src (Node strips the types), the compiled twin from dist.
const SCRIPT = ["tools-server.mts", "tools-server.mjs"].map((name) => join(__dirname, name)).find((path) => existsSync(path));

function script(): string {
  if (!SCRIPT) throw new Error("the MCP fixture server script is missing beside mcp-fixtures/index");
  return SCRIPT;
}

/** A stdio entry of an MCP servers file that starts the fixture server. */
export function mcpFixtureStdioServer(env: Record<string, string> = {}): { command: string; args: string[]; env: Record<string, string> } {
  return { command: process.execPath, args: [script()], env };
}

export interface McpHttpFixture {
  /** e.g. http://127.0.0.1:40123/mcp (any path is served) */
  url: string;
  close(): Promise<void>;
}

/** The fixture server over Streamable HTTP, in a child process; `token` makes it require that bearer. */
export async function startMcpHttpFixture(options: { token?: string } = {}): Promise<McpHttpFixture> {
  const args = [script(), "--http", ...(options.token ? ["--token", options.token] : [])];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /^listening (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`MCP HTTP fixture exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    async close() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
