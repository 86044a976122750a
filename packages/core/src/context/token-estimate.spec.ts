import { estimateToolsTokens } from "./token-estimate";

const asText = (tool: { name: string; description: string; inputSchema: object }) => tool.name + tool.description + JSON.stringify(tool.inputSchema);

describe("estimateToolsTokens", () => {
  it("counts a tool's name, description and schema at four characters a token", () => {
    const tool = { name: "echo", description: "Says it again", inputSchema: { type: "object", properties: { text: { type: "string" } } } };
    expect(estimateToolsTokens([tool])).toBe(Math.ceil(asText(tool).length / 4));
    expect(estimateToolsTokens(undefined)).toBe(0);
  });

  it("measures again a schema that can change, and a frozen one as it is", () => {
    const schema: Record<string, unknown> = { type: "object" };
    const tool = { name: "grow", description: "", inputSchema: schema };
    const before = estimateToolsTokens([tool]);
    schema.properties = { a: { type: "string", description: "x".repeat(400) } };
    expect(estimateToolsTokens([tool])).toBe(Math.ceil(asText(tool).length / 4));
    expect(estimateToolsTokens([tool])).toBeGreaterThan(before + 90);

    const frozen = { name: "still", description: "d", inputSchema: Object.freeze({ type: "object", properties: { b: { type: "number" } } }) };
    expect(estimateToolsTokens([frozen])).toBe(Math.ceil(asText(frozen).length / 4));
    expect(estimateToolsTokens([frozen, frozen])).toBe(2 * Math.ceil(asText(frozen).length / 4));
  });
});
