/**
 * A chat whose workspace's credits run out after the message was accepted but before its reply's
 * model call: the run stops with credits_exhausted, and the chat answers 402 credits_exhausted,
 * as a message sent at zero is answered, not a 502 of a failed model.
 */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { CONVERSATION_ID_HEADER } from "@mix/core";
import { workspaceOf } from "./helpers/role-keys";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  // No worker at first: the reply's run waits in the queue while the balance goes.
  stack = await startTestStack({ label: "chat-credits", workers: 0 });
});
afterAll(() => stack?.close());

it("answers 402 credits_exhausted when the credits ran out before the reply's model call", async () => {
  const url = stack.apis[0]!.url;
  const prisma = stack.apis[0]!.api.infrastructure.prisma;
  // The free plan meters the scripted model (at no cost): its grant is the balance.
  await request(url).put("/api/workspace/plan").set(bearer(stack.key)).send({ plan: "free" }).expect(200);
  const workspaceId = await workspaceOf(stack.apis[0]!.api.services, stack.key);
  const reply = request(url)
    .post("/api/chat")
    .set(bearer(stack.key))
    .send({ message: "hello" })
    .then((response) => response);
  const run = await waitFor(async () => (await prisma.run.findFirst({ where: { session: { workspaceId } } })) ?? undefined, {
    timeoutMs: 5_000,
    what: "the reply's run",
  });
  await prisma.workspace.update({ where: { id: workspaceId }, data: { creditMicros: 0 } });
  await stack.startWorker();

  const response = await reply;
  expect(response.status).toBe(402);
  expect(response.body.error).toMatchObject({
    code: 402,
    type: "bad_request",
    reason: "credits_exhausted",
    message: expect.stringContaining("credits are used up"),
  });
  expect(response.headers[CONVERSATION_ID_HEADER.toLowerCase()]).toBe(run.sessionId);
  expect(await prisma.run.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "failed", error: expect.stringContaining("credits") });
});
