/**
 * send_message and wait_for_reply when the model call fails mid-stream and is retried (an
 * OpenAI-compatible server's mid-stream error, which the adapter retries): the abandoned
 * attempt's text is left out of the answer, which is exactly the stored reply, and a progress
 * notification says the step restarted.
 */
import { FakeHttpServer, openAiTextReply, openAiTextThenError } from "@mix/testing";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { connectClient, startMcpStack, type McpStack } from "./helpers/mcp-stack";

let fake: FakeHttpServer;
let stack: McpStack;
let client: Client;

beforeAll(async () => {
  fake = await FakeHttpServer.start();
  stack = await startMcpStack({
    label: "mcp-retried-step",
    env: {
      MODEL_PROVIDER: "openai-compatible",
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      MODEL_ID: "fake-model",
      MODEL_RETRY_BASE_MS: "20",
      MODEL_MAX_ATTEMPTS: "3",
    },
  });
  client = await connectClient(stack.instances[0]!.url, stack.key);
});
afterAll(async () => {
  await client?.close();
  await stack?.close();
  await fake?.close();
});

interface Reply {
  status: string;
  answer: string;
  messageId: string;
}

it("answers with the retried attempt's text only, live and when waited for again", async () => {
  fake
    .reply(openAiTextThenError("Half an ans", { message: "Overloaded", type: "overloaded_error" }, { pieceChars: 4 }))
    .reply(openAiTextReply("The whole answer.", { pieceChars: 4 }));
  const created = await client.callTool({ name: "create_session", arguments: { title: "Retried" } });
  const sessionId = (created.structuredContent as { id: string }).id;
  const progress: string[] = [];
  const sent = await client.callTool({ name: "send_message", arguments: { session_id: sessionId, text: "hello" } }, undefined, {
    onprogress: (update) => progress.push(update.message ?? ""),
  });

  const reply = sent.structuredContent as unknown as Reply;
  expect(reply).toMatchObject({ status: "completed", answer: "The whole answer." });
  const messages = await client.callTool({ name: "get_messages", arguments: { session_id: sessionId } });
  expect(messages.structuredContent).toMatchObject({ total: 2, messages: [{ role: "user" }, { role: "assistant", assistantResponse: reply.answer }] });
  // The text deltas that went out before the restart are marked void by a notification after them.
  const restartedAt = progress.findIndex((message) => message.startsWith("[step restarted"));
  expect(progress.slice(0, restartedAt).join("")).toBe("Half an ans");
  expect(progress.slice(restartedAt + 1).join("")).toBe("The whole answer.");

  const waited = await client.callTool({ name: "wait_for_reply", arguments: { session_id: sessionId, message_id: reply.messageId } });
  expect(waited.structuredContent).toMatchObject({ status: "completed", answer: "The whole answer." });
});
