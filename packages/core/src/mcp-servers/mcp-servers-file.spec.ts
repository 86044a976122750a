import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../config/config";
import { McpServerCatalog, resolveMcpServerSpec } from "./mcp-servers-file";

const parse = (file: unknown) => McpServerCatalog.parse(JSON.stringify(file));
const names = (catalog: McpServerCatalog, workspaceId: string) => catalog.forWorkspace(workspaceId).map((entry) => entry.name);

describe("McpServerCatalog", () => {
  it("reads stdio and HTTP servers in file order, each with a stable fingerprint", () => {
    const file = {
      mcpServers: {
        files: { command: "npx", args: ["-y", "some-server"], env: { TOKEN: "x" } },
        search: { url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer y" } },
      },
    };
    const catalog = parse(file);
    expect(catalog.forWorkspace("any").map(({ name, transport }) => ({ name, transport }))).toEqual([
      { name: "files", transport: "stdio" },
      { name: "search", transport: "http" },
    ]);
    expect(catalog.forWorkspace("any").map((entry) => entry.fingerprint)).toEqual(
      parse(file)
        .distinct()
        .map((entry) => entry.fingerprint),
    );
    expect(new Set(catalog.distinct().map((entry) => entry.fingerprint)).size).toBe(2);
    expect(catalog.isEmpty).toBe(false);
  });

  it("merges a workspace's section over the global list: replace, add, disable", () => {
    const catalog = parse({
      mcpServers: { a: { command: "a" }, b: { command: "b" }, c: { command: "c" } },
      workspaces: { ws1: { mcpServers: { b: { command: "b2" }, c: { disabled: true }, d: { url: "http://127.0.0.1:1/mcp" } } } },
    });
    expect(names(catalog, "ws1")).toEqual(["a", "b", "d"]);
    expect(names(catalog, "ws2")).toEqual(["a", "b", "c"]);
    const b1 = catalog.forWorkspace("ws2")[1]!;
    const b2 = catalog.forWorkspace("ws1")[1]!;
    expect(b1.fingerprint).not.toBe(b2.fingerprint);
    expect((resolveMcpServerSpec(b2) as { command: string }).command).toBe("b2");
    // Every server once, including workspace-only ones, for the background refresh.
    expect(
      catalog
        .distinct()
        .map((entry) => entry.name)
        .sort(),
    ).toEqual(["a", "b", "b", "c", "d"]);
  });

  it("shares one fingerprint between workspaces that configure the same server", () => {
    const same = { command: "node", args: ["server.js"] };
    const catalog = parse({ workspaces: { w1: { mcpServers: { s: same } }, w2: { mcpServers: { s: same } } } });
    expect(catalog.distinct()).toHaveLength(1);
    expect(names(catalog, "w3")).toEqual([]);
  });

  it("treats a file without servers, or no file at all, as empty", () => {
    expect(parse({}).isEmpty).toBe(true);
    expect(parse({ mcpServers: { off: { command: "x", disabled: true } } }).isEmpty).toBe(true);
    expect(McpServerCatalog.load(undefined).forWorkspace("w")).toEqual([]);
  });

  it("ignores fields other MCP clients write (e.g. autoApprove)", () => {
    expect(names(parse({ mcpServers: { s: { command: "x", autoApprove: ["t"] } }, globalShortcut: "x" }), "w")).toEqual(["s"]);
  });

  it.each([
    ["invalid JSON", "{ nope", /not valid JSON/],
    ["neither command nor url", JSON.stringify({ mcpServers: { s: {} } }), /mcpServers\.s: needs a command \(stdio\) or a url/],
    ["both command and url", JSON.stringify({ mcpServers: { s: { command: "x", url: "http://h/" } } }), /has both command and url/],
    ["SSE", JSON.stringify({ mcpServers: { s: { type: "sse", url: "http://h/sse" } } }), /SSE transport is not supported/],
    ["a url that is not http(s)", JSON.stringify({ mcpServers: { s: { url: "ftp://h/" } } }), /url must be an http\(s\) URL/],
    ["args that are not strings", JSON.stringify({ mcpServers: { s: { command: "x", args: [1] } } }), /mcpServers\.s\.args\.0/],
    ["mcpServers that is a list", JSON.stringify({ mcpServers: [] }), /mcpServers/],
    ["an empty server name", JSON.stringify({ mcpServers: { "": { command: "x" } } }), /server names must not be empty/],
    ["a workspace entry without servers object", JSON.stringify({ workspaces: { w: { mcpServers: 3 } } }), /workspaces\.w\.mcpServers/],
  ])("refuses %s with a ConfigError naming the problem", (_label, text, message) => {
    const attempt = () => McpServerCatalog.parse(text);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  describe("from a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mcp-file-"));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("loads the file at the path", () => {
      const path = join(dir, "mcp.json");
      writeFileSync(path, JSON.stringify({ mcpServers: { s: { command: "x" } } }));
      expect(names(McpServerCatalog.load(path), "w")).toEqual(["s"]);
    });

    it("names the variable and the path when the configured file is missing", () => {
      const path = join(dir, "absent.json");
      expect(() => McpServerCatalog.load(path)).toThrow(ConfigError);
      expect(() => McpServerCatalog.load(path)).toThrow(`MCP_SERVERS_FILE: cannot read ${path}`);
    });

    it("names the file when its content is invalid", () => {
      const path = join(dir, "bad.json");
      writeFileSync(path, "[]");
      expect(() => McpServerCatalog.load(path)).toThrow(`MCP_SERVERS_FILE (${path}):`);
    });
  });
});

describe("resolveMcpServerSpec", () => {
  const catalog = parse({
    mcpServers: {
      local: { command: "${BIN_DIR}/server", args: ["--mode=${MODE:-fast}"], env: { TOKEN: "${SECRET}" }, cwd: "${HOME_DIR:-/srv}" },
      remote: { url: "${MCP_URL}", headers: { Authorization: "Bearer ${SECRET}" } },
    },
  });
  const [local, remote] = catalog.forWorkspace("w");

  it("expands ${VAR} and ${VAR:-default} from the environment it is given", () => {
    const env = { BIN_DIR: "/opt/bin", SECRET: "s3cret", MCP_URL: "https://mcp.example.com/mcp" };
    expect(resolveMcpServerSpec(local!, env)).toEqual({
      transport: "stdio",
      command: "/opt/bin/server",
      args: ["--mode=fast"],
      env: { TOKEN: "s3cret" },
      cwd: "/srv",
    });
    expect(resolveMcpServerSpec(remote!, env)).toEqual({ transport: "http", url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer s3cret" } });
  });

  it("keeps the fingerprint independent of the values, so an API without the secrets agrees with the worker", () => {
    const again = parse({
      mcpServers: {
        local: { command: "${BIN_DIR}/server", args: ["--mode=${MODE:-fast}"], env: { TOKEN: "${SECRET}" }, cwd: "${HOME_DIR:-/srv}" },
        remote: { url: "${MCP_URL}", headers: { Authorization: "Bearer ${SECRET}" } },
      },
    });
    expect(again.forWorkspace("w").map((entry) => entry.fingerprint)).toEqual([local!.fingerprint, remote!.fingerprint]);
  });

  it("names the server and the variable when a variable is unset", () => {
    expect(() => resolveMcpServerSpec(local!, { BIN_DIR: "/x" })).toThrow(ConfigError);
    expect(() => resolveMcpServerSpec(local!, { BIN_DIR: "/x" })).toThrow('server "local": environment variable SECRET is not set');
  });

  it("refuses a url that expands to something other than http(s)", () => {
    expect(() => resolveMcpServerSpec(remote!, { SECRET: "s", MCP_URL: "file:///etc/passwd" })).toThrow(/server "remote": url must be an http\(s\) URL/);
  });
});
