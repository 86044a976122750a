/**
 * The tools of the MCP servers in MCP_SERVERS_FILE, offered to the agent as <server>_<tool>:
 * a read-only one runs at once, one that changes things asks permission first, like Bash.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { mcpFixtureStdioServer, openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { converse, isRunEnd, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

const dir = mkdtempSync(join(tmpdir(), "mcp-agent-"));
const serversFile = join(dir, "mcp.json");
writeFileSync(serversFile, JSON.stringify({ mcpServers: { fixture: mcpFixtureStdioServer() } }));
let stack: AgentStack;

beforeAll(async () => {
  stack = await startAgentStack({ label: "agent-mcp", env: { MCP_SERVERS_FILE: serversFile } });
});
afterAll(async () => {
  await stack?.close();
  rmSync(dir, { recursive: true, force: true });
});

it("offers the server's tools by prefixed name and runs a read-only one without asking", async () => {
  stack.fake.reply(openAiToolCallReply([{ id: "call_echo", name: "fixture_echo", input: { text: "ab", times: 3 } }])).reply(openAiTextReply("echoed"));
  const before = stack.fake.requests.length;
  const { sessionId, events } = await converse(stack, "echo please");
  const offered = stack.fake.requests[before]!.body.tools.map((tool: { function: { name: string } }) => tool.function.name);
  expect(offered).toEqual(expect.arrayContaining(["fixture_echo", "fixture_write_note", "Bash"]));
  expect(named(events, "permission")).toHaveLength(0);
  expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "fixture_echo", success: true });
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls[0]).toMatchObject({ name: "fixture_echo", result: "ababab", isError: false });
});

it("asks permission for a tool the server does not mark read-only, and reports its failure", async () => {
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_note", name: "fixture_write_note", input: { note: "n1", fail: true } }]))
    .reply(openAiTextReply("it failed"));
  const sessionId = await createSession(stack.url, stack.key);
  const stream = await openStream(stack.url, stack.key, sessionId);
  try {
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "note it" }).expect(202);
    const asked = await stream.waitForEvent((event) => event.event === "permission", 10_000, "the permission request");
    expect(asked.data).toMatchObject({ toolName: "fixture_write_note" });
    await request(stack.url).post(`/api/permissions/${asked.data.id}/grant`).set(bearer(stack.key)).expect(200);
    await stream.waitForEvent(isRunEnd, 10_000, "the run to end");
  } finally {
    stream.close();
  }
  expect(named(stream.logEvents, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "fixture_write_note", success: false });
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body;
  expect(messages[1].toolCalls[0]).toMatchObject({ isError: true, result: expect.stringContaining('could not write note "n1"') });
});
