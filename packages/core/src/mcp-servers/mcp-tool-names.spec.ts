import { agentToolNames, MCP_TOOL_NAME_MAX } from "./mcp-tool-names";

// The contract's ToolName pattern for MCP tools.
const CONTRACT_PATTERN = /^[a-zA-Z0-9_]+_[a-zA-Z0-9_]+$/;

describe("agentToolNames", () => {
  it("prefixes each tool with its server", () => {
    expect(
      agentToolNames([
        { server: "github", tools: ["search_issues", "create_pr"] },
        { server: "brave", tools: ["search"] },
      ]),
    ).toEqual([["github_search_issues", "github_create_pr"], ["brave_search"]]);
  });

  it("rewrites characters providers refuse, so every name matches the contract's pattern", () => {
    const [names] = agentToolNames([{ server: "my-server.v2", tools: ["write-note", "ünïcode tool", ""] }]);
    expect(names).toEqual(["my_server_v2_write_note", "my_server_v2__n_code_tool", "my_server_v2__"]);
    for (const name of names!) expect(name).toMatch(CONTRACT_PATTERN);
  });

  it("caps names at 64 characters and keeps part of the tool's name however long the server's", () => {
    const [names] = agentToolNames([{ server: "s".repeat(100), tools: ["t".repeat(100)] }]);
    expect(names![0]).toHaveLength(MCP_TOOL_NAME_MAX);
    expect(names![0]).toBe(`${"s".repeat(32)}_${"t".repeat(31)}`);
    expect(names![0]).toMatch(CONTRACT_PATTERN);
  });

  it("keeps names unique when rewriting or capping makes two alike", () => {
    const names = agentToolNames([
      { server: "a-b", tools: ["x", `${"y".repeat(80)}1`, `${"y".repeat(80)}2`] },
      { server: "a.b", tools: ["x"] },
    ]).flat();
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(MCP_TOOL_NAME_MAX);
      expect(name).toMatch(CONTRACT_PATTERN);
    }
    expect(names[0]).toBe("a_b_x");
    expect(names[3]).toMatch(/^a_b_x_[0-9a-f]{8}$/);
  });

  it("gives nothing for no servers", () => {
    expect(agentToolNames([])).toEqual([]);
    expect(agentToolNames([{ server: "s", tools: [] }])).toEqual([[]]);
  });
});
