/** The `mix-mcp` binary over stdio, started as a client would: `node dist/stdio.js` with MIX_API_KEY. */
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { startMcpStack, type McpStack } from "./helpers/mcp-stack";

describe("MCP server over stdio", () => {
  let stack: McpStack;

  beforeAll(async () => {
    stack = await startMcpStack({ label: "mcp-stdio", workers: 0 });
  });

  afterAll(async () => {
    await stack?.close();
  });

  const spawnClient = async (key: string) => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(__dirname, "../dist/stdio.js")],
      env: { ...stack.env, MIX_API_KEY: key, PATH: process.env.PATH ?? "" },
      stderr: "pipe",
    });
    const client = new Client({ name: "mix-stdio-test", version: "0.0.0" });
    await client.connect(transport);
    return client;
  };

  it("lists tools and lists the key's workspace sessions", async () => {
    const created = await stack.instances[0]!.services.sessions.create((await stack.instances[0]!.services.apiKeys.authenticate(stack.key))!.workspaceId, {
      title: "Seen over stdio",
      promptMode: "default",
      sessionType: "main",
    });
    const client = await spawnClient(stack.key);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(["list_sessions", "send_message", "get_messages"]));
      const listed = await client.callTool({ name: "list_sessions", arguments: {} });
      expect(listed.isError).toBeFalsy();
      expect((listed.structuredContent as { sessions: { id: string }[] }).sessions.map((s) => s.id)).toEqual([created.id]);
    } finally {
      await client.close();
    }
  });

  it("exits with a message when MIX_API_KEY is not a valid key", async () => {
    await expect(spawnClient("mix_not_a_real_key_at_all")).rejects.toThrow();
  });
});
