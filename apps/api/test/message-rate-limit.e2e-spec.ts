/**
 * The per-key rate limit on sending messages (MESSAGE_RATE_LIMIT_PER_MINUTE): both send routes
 * count against one budget, shared by API instances through Redis; one over it answers 429 with
 * Retry-After in the contract's error shape and stores nothing. Chat keeps its own budget.
 */
import { rm } from "node:fs/promises";
import request from "supertest";
import { createStorageDir, waitFor } from "@mix/testing";
import { postChat } from "./helpers/chat-client";
import { expectHealthy, storedState } from "./helpers/hostile-checks";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const LIMIT = 3;

let stack: TestStack;
let a: string;
let b: string;
let storage: string;

beforeAll(async () => {
  storage = await createStorageDir("message-limit");
  stack = await startTestStack({
    label: "message-limit",
    apiInstances: 2,
    env: { STORAGE_DIR: storage, MESSAGE_RATE_LIMIT_PER_MINUTE: String(LIMIT), RATE_LIMIT_PER_MINUTE: "5", SCRIPTED_DELAY_MS: "0" },
  });
  [a, b] = stack.apis.map((api) => api.url) as [string, string];
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

/** A new workspace's key: a budget of its own, so tests do not share counts. */
const newKey = async (name: string) => (await stack.apis[0]!.api.services.apiKeys.createWorkspace(name)).apiKey;

const sendViaSessions = (url: string, key: string, sessionId: string, text: string) =>
  request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text });
const sendViaStream = (url: string, key: string, sessionId: string, content: string) =>
  request(url).post(`/stream/${sessionId}/message`).set(bearer(key)).send({ content });

const runsSettled = () =>
  waitFor(async () => (await stack.apis[0]!.api.infrastructure.prisma.run.count({ where: { status: { in: ["queued", "running"] } } })) === 0, {
    timeoutMs: 30_000,
    what: "every run to finish",
  });

it("counts both send routes on every instance against one budget, and refuses one more with 429", async () => {
  const key = await newKey("limited");
  const sessionId = await createSession(a, key, { title: "limited" });
  const accepted = [
    await sendViaSessions(a, key, sessionId, "one"),
    await sendViaStream(b, key, sessionId, "two"),
    await sendViaSessions(b, key, sessionId, "three"),
  ];
  expect(accepted.map((response) => [response.status, response.headers["x-ratelimit-remaining"]])).toEqual([
    [202, "2"],
    [200, "1"],
    [202, "0"],
  ]);
  await runsSettled();
  const before = await storedState({ ...stack, key }, a, sessionId);

  for (const refused of [await sendViaSessions(a, key, sessionId, "four"), await sendViaStream(b, key, sessionId, "four")]) {
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers["x-ratelimit-limit"]).toBe(String(LIMIT));
    expect(refused.body).toEqual({
      error: {
        code: 429,
        type: "bad_request",
        reason: "rate_limited",
        message: `Rate limit exceeded: at most ${LIMIT} messages per minute per API key; retry after ${retryAfter} s`,
      },
    });
  }
  await expectHealthy(a);
  await expectHealthy(b);
  expect(await storedState({ ...stack, key }, a, sessionId)).toEqual(before);
});

it("gives every key its own budget, and leaves the chat budget alone", async () => {
  const key = await newKey("spent");
  const sessionId = await createSession(a, key, { title: "spent" });
  for (const text of ["one", "two", "three"]) expect((await sendViaSessions(a, key, sessionId, text)).status).toBe(202);
  expect((await sendViaSessions(a, key, sessionId, "four")).status).toBe(429);

  const other = await newKey("fresh");
  const theirs = await createSession(b, other, { title: "fresh" });
  expect((await sendViaSessions(b, other, theirs, "mine")).status).toBe(202);

  const chat = await postChat(a, key, { message: "chat has a budget of its own" });
  expect(chat.status).toBe(200);
  expect(chat.headers["x-ratelimit-remaining"]).toBe("4");
  await runsSettled();
});
