/**
 * The MCP tools take the REST API's inputs and refuse the same text: a NUL byte or a lone
 * surrogate in any string argument of any tool (listed from the server itself), in a prompt
 * argument or in a resource URI is an error naming the argument, and nothing is stored.
 */
import { UNSAFE_TEXT_MESSAGE } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  minimum?: number;
  properties?: Record<string, JsonSchema>;
}

const HOSTILE = [
  ["a NUL byte", "a\u0000b"],
  ["a lone surrogate", "a\ud800b"],
] as const;

let stack: McpStack;
let client: Client;
let sessionId: string;

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-hostile", workers: 0 });
  client = await connectClient(stack.instances[0]!.url, stack.key);
  const created = await client.callTool({ name: "create_session", arguments: { title: "kept as it is" } });
  sessionId = (created.structuredContent as { id: string }).id;
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
});

/** Everything a hostile call could have written. */
async function storedState() {
  const { prisma } = stack.instances[0]!.infrastructure;
  return {
    counts: await Promise.all([prisma.session.count(), prisma.message.count(), prisma.part.count(), prisma.run.count()]),
    sessions: await prisma.session.findMany({ orderBy: { id: "asc" } }),
  };
}

/** Valid arguments for a tool: the known session for ids, a plain word for other text. */
function validArguments(schema: JsonSchema): Record<string, unknown> {
  const value = (name: string, property: JsonSchema): unknown => {
    if (property.enum) return property.enum[0];
    if (property.type === "string") return name === "session_id" ? sessionId : "x";
    if (property.type === "number" || property.type === "integer") return Math.max(1, property.minimum ?? 1);
    if (property.type === "boolean") return false;
    return undefined;
  };
  return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([name, property]) => [name, value(name, property)]));
}

/** The error text of a refused call, whether the SDK reports it as a result or throws it. */
async function callError(name: string, args: Record<string, unknown>): Promise<string> {
  try {
    const result = await client.callTool({ name, arguments: args });
    return result.isError ? resultText(result) : `not refused: ${resultText(result).slice(0, 200)}`;
  } catch (error) {
    return (error as Error).message;
  }
}

it("refuses unsafe text in every string argument of every tool, naming the argument, and stores nothing", async () => {
  const { tools } = await client.listTools();
  const before = await storedState();
  const wrong: { tool: string; argument: string; hostile: string; error: string }[] = [];
  let calls = 0;
  for (const tool of tools) {
    const schema = tool.inputSchema as JsonSchema;
    for (const [argument, property] of Object.entries(schema.properties ?? {})) {
      if (property.type !== "string" || property.enum) continue;
      for (const [label, text] of HOSTILE) {
        calls++;
        const error = await callError(tool.name, { ...validArguments(schema), [argument]: text });
        if (!(error.includes(argument) && error.includes(UNSAFE_TEXT_MESSAGE))) wrong.push({ tool: tool.name, argument, hostile: label, error });
      }
    }
  }
  expect(calls).toBeGreaterThanOrEqual(30);
  expect(wrong).toEqual([]);
  expect(await storedState()).toEqual(before);
  // Still serving.
  expect((await client.callTool({ name: "get_session", arguments: { session_id: sessionId } })).isError).toBeFalsy();
});

it("refuses unsafe text in a prompt argument and in a transcript's URI", async () => {
  for (const [, text] of HOSTILE) {
    await expect(client.getPrompt({ name: "continue_session", arguments: { sessionId: text } })).rejects.toThrow(UNSAFE_TEXT_MESSAGE);
  }
  await expect(client.readResource({ uri: "mix://sessions/a%00b" })).rejects.toThrow(`id: ${UNSAFE_TEXT_MESSAGE}`);
  await expect(client.readResource({ uri: "mix://sessions/a%ED%A0%80b" })).rejects.toThrow("not a valid percent-encoded session id");
  expect((await client.readResource({ uri: `mix://sessions/${sessionId}` })).contents).toHaveLength(1);
});
