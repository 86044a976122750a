/**
 * How POST /api/chat ends when the run fails. No worker runs here: the test plays the run's
 * part by appending to the session's event log exactly what a failing run appends.
 */
import { waitFor } from "@mix/testing";
import { postChat } from "./helpers/chat-client";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: "chat-failures", workers: 0 });
});
afterAll(() => stack?.close());

/** Starts a chat in a new workspace and returns the pending reply and its queued run. */
async function startChat(message: string) {
  const { apiKeys } = stack.apis[0]!.api.services;
  const { prisma } = stack.apis[0]!.api.infrastructure;
  const { workspaceId, apiKey } = await apiKeys.createWorkspace("chat-failures");
  const reply = postChat(stack.apis[0]!.url, apiKey, { message });
  const run = await waitFor(() => prisma.run.findFirst({ where: { session: { workspaceId } } }).then((found) => found ?? undefined), {
    what: "the queued run",
  });
  return { reply, run };
}

it("answers 502 in the error shape when the run fails before any text", async () => {
  const { reply, run } = await startChat("this will fail");
  const { events } = stack.apis[0]!.api.infrastructure;
  await events.append(run.sessionId, "user_message_created", { type: "user_message_created", messageId: run.id, content: "this will fail" });
  await events.append(run.sessionId, "error", { type: "run_failed", error: "model unavailable" });

  const response = await reply;
  expect(response.status).toBe(502);
  expect(response.headers["x-conversation-id"]).toBe(run.sessionId);
  expect(JSON.parse(response.text)).toEqual({
    error: { code: 502, type: "internal_error", reason: "upstream_failed", message: "The reply failed: model unavailable" },
  });
});

it("ends with the text already sent when the run fails after it", async () => {
  const { reply, run } = await startChat("this will fail later");
  const { events } = stack.apis[0]!.api.infrastructure;
  await events.append(run.sessionId, "user_message_created", { type: "user_message_created", messageId: run.id, content: "this will fail later" });
  await events.append(run.sessionId, "content", { type: "content", content: "Partial" });
  await events.append(run.sessionId, "content", { type: "content", content: " answer" });
  await events.append(run.sessionId, "error", { type: "run_failed", error: "connection reset" });

  const response = await reply;
  expect(response.status).toBe(200);
  expect(response.text).toBe("Partial answer");
});
