/**
 * The chat tool: the REST chat's `POST /api/chat` over MCP. A reply on the automatic model, a
 * conversation continued by its id (the second model call is sent the first turn), the REST
 * chat's refusals as tool errors (unknown or foreign conversation, bad model, bad message, no
 * credits, a read-only key), each storing nothing, and a reply that takes too long.
 * Every test has a workspace of its own.
 */
import { SYSTEM_ACTOR, UNSAFE_TEXT_MESSAGE } from "@mix/core";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, resultText, startMcpStack, type McpStack } from "./helpers/mcp-stack";

interface ChatReply {
  conversationId: string;
  messageId: string;
  model?: string;
  status: string;
  reply: string;
  note?: string;
}

let stack: McpStack;
const clients: Client[] = [];

beforeAll(async () => {
  stack = await startMcpStack({ label: "mcp-chat" });
});
afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await stack?.close();
});

const services = () => stack.instances[0]!.services;
const prisma = () => stack.instances[0]!.infrastructure.prisma;

async function workspace(name: string): Promise<{ client: Client; workspaceId: string }> {
  const { apiKey, workspaceId } = await services().apiKeys.createWorkspace(name);
  const client = await connectClient(stack.instances[0]!.url, apiKey);
  clients.push(client);
  return { client, workspaceId };
}

const chat = (client: Client, args: Record<string, unknown>) => client.callTool({ name: "chat", arguments: { timeout_seconds: 30, ...args } });
const chatReply = async (client: Client, args: Record<string, unknown>) => {
  const result = await chat(client, args);
  expect({ isError: result.isError ?? false, text: result.isError ? resultText(result) : "" }).toEqual({ isError: false, text: "" });
  return result.structuredContent as unknown as ChatReply;
};
const messagesOf = async (client: Client, sessionId: string) =>
  (
    (await client.callTool({ name: "get_messages", arguments: { session_id: sessionId } })).structuredContent as {
      messages: { role: string; userInput: string; assistantResponse?: string }[];
    }
  ).messages;
/** What a refused call may have written in the workspace. */
const storedIn = async (workspaceId: string) => ({
  sessions: await prisma().session.count({ where: { workspaceId } }),
  messages: await prisma().message.count({ where: { session: { workspaceId } } }),
});

it("answers on the automatic model in a new conversation, streaming the reply as progress", async () => {
  const { client } = await workspace("mcp chat default");
  const progress: { message?: string }[] = [];
  const result = await client.callTool({ name: "chat", arguments: { message: "Summarize our Q3 strategy" } }, undefined, {
    onprogress: (update) => progress.push(update),
    timeout: 20_000,
  });
  expect(result.isError).toBeFalsy();
  const reply = result.structuredContent as unknown as ChatReply;
  expect(reply).toEqual({ conversationId: expect.any(String), messageId: expect.any(String), status: "completed", reply: expect.any(String) });
  expect(reply.reply).toMatch(/^You said: Summarize our Q3 strategy/);
  expect(progress.map((update) => update.message).join("")).toBe(reply.reply);

  // The conversation is a session of the workspace, titled from the message, holding the exchange.
  const session = await client.callTool({ name: "get_session", arguments: { session_id: reply.conversationId } });
  expect(session.structuredContent).toMatchObject({ id: reply.conversationId, title: "Summarize our Q3 strategy" });
  expect(await messagesOf(client, reply.conversationId)).toMatchObject([
    { role: "user", userInput: "Summarize our Q3 strategy" },
    { role: "assistant", assistantResponse: reply.reply },
  ]);
});

it("continues a conversation by its id: the second reply's model call is sent the first turn", async () => {
  const { client } = await workspace("mcp chat continued");
  // Long, so a model call that is sent it is clearly bigger than one that is not.
  const long = `Plan the launch ${"and then some more words ".repeat(40)}`;
  const first = await chatReply(client, { message: long });
  const second = await chatReply(client, { message: "And the follow-up?", model: "scripted-1", conversationId: first.conversationId });
  expect(second).toMatchObject({ conversationId: first.conversationId, model: "scripted-1", status: "completed" });
  expect(second.messageId).not.toBe(first.messageId);
  expect(second.reply).toMatch(/^You said: And the follow-up\?/);

  expect((await messagesOf(client, first.conversationId)).map((message) => [message.role, message.userInput || message.assistantResponse])).toEqual([
    ["user", long],
    ["assistant", first.reply],
    ["user", "And the follow-up?"],
    ["assistant", second.reply],
  ]);
  // The scripted model counts the prompt it is sent: the second call's holds the first turn
  // (its long message and the reply), so it is bigger than the first call's by at least the reply.
  const promptTokens = async (runId: string) => (await prisma().usageRecord.findFirstOrThrow({ where: { runId } })).promptTokens;
  const [firstPrompt, secondPrompt] = [await promptTokens(first.messageId), await promptTokens(second.messageId)];
  expect(secondPrompt).toBeGreaterThanOrEqual(firstPrompt + Math.ceil(first.reply.length / 4));
});

it("refuses an unknown conversation and another workspace's as not found, and writes nothing", async () => {
  const { client, workspaceId } = await workspace("mcp chat unknown");
  const unknown = await chat(client, { message: "hello", conversationId: "no-such-session" });
  expect(unknown.isError).toBe(true);
  expect(resultText(unknown)).toBe("Error 404 (not_found): Session not found");

  const other = await workspace("mcp chat other");
  const foreign = (await chatReply(other.client, { message: "mine" })).conversationId;
  const refused = await chat(client, { message: "hello", conversationId: foreign });
  expect(refused.isError).toBe(true);
  expect(resultText(refused)).toBe("Error 404 (not_found): Session not found");
  expect(await storedIn(workspaceId)).toEqual({ sessions: 0, messages: 0 });
  expect(await messagesOf(other.client, foreign)).toHaveLength(2);
});

it("refuses a model that is not offered, naming the valid ids, and starts nothing", async () => {
  const { client, workspaceId } = await workspace("mcp chat model");
  const result = await chat(client, { message: "hello", model: "gpt-9" });
  expect(result.isError).toBe(true);
  expect(resultText(result)).toBe("Error 400 (validation_error): model 'gpt-9' is not available; use one of: ml-auto, scripted-1");
  expect(await storedIn(workspaceId)).toEqual({ sessions: 0, messages: 0 });
});

it.each([
  ["an empty message", "", "message must not be empty"],
  ["a blank message", "  \n ", "message must not be empty"],
  ["a message over 200000 characters", "x".repeat(200_001), "message must be at most 200000 characters"],
  ["a message with a NUL byte", "a\u0000b", UNSAFE_TEXT_MESSAGE],
])("refuses %s as the REST chat does, and stores nothing", async (_case, message, error) => {
  const { client, workspaceId } = await workspace("mcp chat message");
  let text: string;
  try {
    const result = await chat(client, { message });
    expect(result.isError).toBe(true);
    text = resultText(result);
  } catch (thrown) {
    // The SDK may refuse its own schema's failures as a protocol error.
    text = (thrown as Error).message;
  }
  expect(text).toContain("message");
  expect(text).toContain(error);
  expect(await storedIn(workspaceId)).toEqual({ sessions: 0, messages: 0 });
});

it("refuses a chat at zero credits with the REST chat's 402, before anything is stored", async () => {
  const { client, workspaceId } = await workspace("mcp chat credits");
  await services().workspacePlan.change(workspaceId, "free", SYSTEM_ACTOR);
  await prisma().workspace.update({ where: { id: workspaceId }, data: { creditMicros: 0 } });
  const result = await chat(client, { message: "hello" });
  expect(result.isError).toBe(true);
  expect(resultText(result)).toMatch(/^Error 402 \(bad_request\): The workspace's credits are used up/);
  expect(await storedIn(workspaceId)).toEqual({ sessions: 0, messages: 0 });
});

it("refuses a read-only key, as the REST chat's member role does, and starts nothing", async () => {
  const { workspaceId } = await workspace("mcp chat reader");
  const { secret } = await services().keysAdmin.create(workspaceId, { actor: SYSTEM_ACTOR, role: "owner" }, { name: "reader", role: "read_only" });
  const reader = await connectClient(stack.instances[0]!.url, secret);
  clients.push(reader);
  const result = await chat(reader, { message: "hello" });
  expect(result.isError).toBe(true);
  expect(resultText(result)).toBe("Error 403 (unauthorized): Forbidden: chat needs the member role or above; this API key's role is read_only");
  expect(await storedIn(workspaceId)).toEqual({ sessions: 0, messages: 0 });
});

describe("a reply that takes too long", () => {
  // No worker: the message stays queued, so the reply never comes.
  let idle: McpStack;
  beforeAll(async () => {
    idle = await startMcpStack({ label: "mcp-chat-idle", workers: 0 });
  });
  afterAll(() => idle?.close());

  it("returns a timeout result with the ids to go on with wait_for_reply", async () => {
    const client = await connectClient(idle.instances[0]!.url, idle.key);
    clients.push(client);
    const result = await client.callTool({ name: "chat", arguments: { message: "anyone there?", timeout_seconds: 1 } });
    expect(result.isError).toBeFalsy();
    const reply = result.structuredContent as unknown as ChatReply;
    expect(reply).toMatchObject({ status: "timeout", reply: "" });
    expect(reply.note).toContain(`wait_for_reply with session_id ${reply.conversationId} and message_id ${reply.messageId}`);
    const again = await client.callTool({
      name: "wait_for_reply",
      arguments: { session_id: reply.conversationId, message_id: reply.messageId, timeout_seconds: 1 },
    });
    expect(again.structuredContent).toMatchObject({ status: "timeout", sessionId: reply.conversationId, messageId: reply.messageId });
  });
});
