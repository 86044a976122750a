/**
 * The MCP tools count against the REST API's request limits: a tool that is not read-only takes
 * a token from the key's and the workspace's buckets, shared by every instance through Redis,
 * and send_message one from the key's message budget. Over a limit the call is a 429 tool error
 * and nothing runs; read-only tools are not counted.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

const KEY_LIMIT = 3;

let stack: McpStack;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startMcpStack({
    label: "mcp-request-limits",
    instances: 2,
    workers: 0,
    env: { KEY_RATE_LIMIT_PER_MINUTE: String(KEY_LIMIT), MESSAGE_RATE_LIMIT_PER_MINUTE: "1" },
  });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await stack?.close();
});

async function connect(instance: number, key: string): Promise<Client> {
  const client = await connectClient(stack.instances[instance]!.url, key);
  clients.push(client);
  return client;
}

const newKey = async (name: string) => (await stack.instances[0]!.services.apiKeys.createWorkspace(name)).apiKey;
const createSession = (client: Client) => client.callTool({ name: "create_session", arguments: { title: "counted" } });

it("refuses a state-changing tool call over the key's limit, counted across instances, and leaves reads alone", async () => {
  const key = await newKey("mcp limited");
  const [first, second] = [await connect(0, key), await connect(1, key)];
  for (let i = 0; i < KEY_LIMIT; i++) expect((await createSession(i % 2 ? second! : first!)).isError).toBeFalsy();
  const refused = await createSession(second!);
  expect(refused.isError).toBe(true);
  expect(resultText(refused)).toMatch(/^Error 429 \(bad_request\): Rate limit exceeded: at most 3 requests per minute per API key; retry after \d+ s$/);
  const listed = await first!.callTool({ name: "list_sessions", arguments: {} });
  expect(listed.isError).toBeFalsy();
  expect((listed.structuredContent as { sessions: unknown[] }).sessions).toHaveLength(KEY_LIMIT);
});

it("counts send_message against the key's message budget too", async () => {
  const key = await newKey("mcp sends");
  const client = await connect(0, key);
  const sessionId = ((await createSession(client)).structuredContent as { id: string }).id;
  const send = () => client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "hi", timeout_seconds: 1 } });
  expect((await send()).isError).toBeFalsy();
  const refused = await send();
  expect(resultText(refused)).toMatch(/^Error 429 \(bad_request\): Rate limit exceeded: at most 1 messages per minute per API key; retry after \d+ s$/);
  const { prisma } = stack.instances[0]!.infrastructure;
  expect(await prisma.message.count({ where: { sessionId } })).toBe(1);
});
