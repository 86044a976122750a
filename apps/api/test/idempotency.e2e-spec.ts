/**
 * Idempotency-Key: a repeat of the same request is a no-op 202 (the same message, one run); the
 * same key with another request is a 422 that stores nothing. Keys belong to a session.
 */
import request from "supertest";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  // No worker: runs stay queued, so what is stored is exactly what the sends wrote.
  stack = await startTestStack({ label: "idempotency", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const send = (sessionId: string, key: string, body: object) =>
  request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).set("Idempotency-Key", key).send(body);

/** What a send could have written to a session. */
async function stored(sessionId: string) {
  const { prisma } = stack.apis[0]!.api.infrastructure;
  const messages = await prisma.message.findMany({ where: { sessionId }, orderBy: { position: "asc" }, include: { parts: true, run: true } });
  const session = await prisma.session.findUniqueOrThrow({ where: { id: sessionId }, select: { turnCount: true } });
  return { messages, turnCount: session.turnCount };
}

const mismatch = {
  error: expect.objectContaining({ code: 422, type: "validation_error", message: expect.stringContaining("already used for another message") }),
};

it("answers a repeat of the same request with 202 and the same message, normalised", async () => {
  const sessionId = await createSession(url, stack.key);
  expect((await send(sessionId, "same", { text: "hello" })).status).toBe(202);
  const first = await stored(sessionId);
  // The defaults written out are the same request.
  const again = await send(sessionId, "same", { text: "hello", plan_mode: false, thinking_level: null });
  expect(again.status).toBe(202);
  expect(again.body).toEqual({ status: "processing", sessionId });
  expect(await stored(sessionId)).toEqual(first);
  expect(first.messages).toHaveLength(1);
});

it.each([
  ["another text", { text: "goodbye" }],
  ["another plan_mode", { text: "hello", plan_mode: true }],
  ["another thinking_level", { text: "hello", thinking_level: "maximum" }],
  ["another max_steps", { text: "hello", max_steps: 3 }],
])("refuses the key with %s: 422, nothing stored", async (_, body) => {
  const sessionId = await createSession(url, stack.key);
  await send(sessionId, "used", { text: "hello" }).expect(202);
  const before = await stored(sessionId);
  const refused = await send(sessionId, "used", body);
  expect(refused.status).toBe(422);
  expect(refused.body).toEqual(mismatch);
  expect(await stored(sessionId)).toEqual(before);
  await request(url).get("/health").expect(200);
});

it("shares the key space with POST /stream/{id}/message, the same request there being a no-op", async () => {
  const sessionId = await createSession(url, stack.key);
  await send(sessionId, "both-routes", { text: "hello" }).expect(202);
  const before = await stored(sessionId);
  const legacy = (content: string) =>
    request(url).post(`/stream/${sessionId}/message`).set(bearer(stack.key)).set("Idempotency-Key", "both-routes").send({ content });
  expect((await legacy("hello")).status).toBe(200);
  expect((await legacy("something else")).body).toEqual(mismatch);
  expect(await stored(sessionId)).toEqual(before);
});

it("lets one of several concurrent sends with one key and different requests win; the others are 422s", async () => {
  const sessionId = await createSession(url, stack.key);
  const answers = await Promise.all(["one", "two", "three", "four"].map((text) => send(sessionId, "race", { text })));
  const statuses = answers.map((answer) => answer.status).sort();
  expect(statuses).toEqual([202, 422, 422, 422]);
  const { messages } = await stored(sessionId);
  expect(messages).toHaveLength(1);
  expect(messages[0]!.run).not.toBeNull();
});

it("keeps keys per session: the same key in two sessions sends two messages", async () => {
  const [first, second] = [await createSession(url, stack.key), await createSession(url, stack.key)];
  await send(first, "per-session", { text: "to the first" }).expect(202);
  await send(second, "per-session", { text: "to the second" }).expect(202);
  const [a, b] = [await stored(first), await stored(second)];
  expect(a.messages.map((message) => message.parts[0]!.data)).toEqual([{ type: "text", text: "to the first" }]);
  expect(b.messages.map((message) => message.parts[0]!.data)).toEqual([{ type: "text", text: "to the second" }]);
});

it("takes a message stored before keys remembered their request as the same request, as it always was", async () => {
  const sessionId = await createSession(url, stack.key);
  await send(sessionId, "legacy", { text: "hello" }).expect(202);
  await stack.apis[0]!.api.infrastructure.prisma.message.updateMany({ where: { sessionId }, data: { idempotencyHash: null } });
  const before = await stored(sessionId);
  expect((await send(sessionId, "legacy", { text: "anything" })).status).toBe(202);
  expect(await stored(sessionId)).toEqual(before);
});
