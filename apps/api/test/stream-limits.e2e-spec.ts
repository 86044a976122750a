/**
 * The cap on open SSE streams per API key (SSE_MAX_STREAMS_PER_KEY), counted across API
 * instances in Redis: one stream over it answers 429 with Retry-After in the contract's error
 * shape; a slot is freed however its stream ends; a live stream's heartbeats keep its slot; and
 * slots a crashed instance left behind lapse on their own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { StreamSlots } from "@mix/core";
import { SseClient, waitFor } from "@mix/testing";
import { expectHealthy, storedState } from "./helpers/hostile-checks";
import { createSession, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const LIMIT = 3;
const HEARTBEAT_MS = 200;

let stack: TestStack;
let a: string;
let b: string;
let storage: string;
let sessionId: string;
const open: SseClient[] = [];

beforeAll(async () => {
  storage = await mkdtemp(path.join(os.tmpdir(), "mix-stream-limits-"));
  stack = await startTestStack({
    label: "stream-limits",
    apiInstances: 2,
    workers: 0,
    env: { STORAGE_DIR: storage, SSE_MAX_STREAMS_PER_KEY: String(LIMIT), SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) },
  });
  [a, b] = stack.apis.map((api) => api.url) as [string, string];
  sessionId = await createSession(a, stack.key, { title: "streamed" });
});
afterEach(async () => {
  for (const client of open.splice(0)) client.close();
  // Every slot is free again before the next test: the cap is per key, shared by the tests.
  await waitFor(async () => (await tryStream(a, stack.key)).status === 200, { what: "the key's slots to be free" });
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

async function stream(url: string, key = stack.key, id = sessionId): Promise<SseClient> {
  const client = await openStream(url, key, id);
  open.push(client);
  return client;
}

/** One connect attempt: a refused one is read to its end; an accepted one is closed at once. */
async function tryStream(url: string, key: string, id = sessionId): Promise<{ status: number; retryAfter?: string; body?: unknown }> {
  const client = await SseClient.connect(`${url}/stream?sessionId=${id}`, { headers: bearer(key) });
  if (client.status === 200) {
    client.close();
    await waitFor(() => client.ended, { what: "the accepted stream to close" });
    return { status: 200 };
  }
  await waitFor(() => client.ended, { what: "the refusal to end" });
  return { status: client.status, retryAfter: client.headers["retry-after"] as string | undefined, body: JSON.parse(client.rawBody) };
}

const refusal = {
  status: 429,
  retryAfter: expect.stringMatching(/^[1-9]\d*$/),
  body: {
    error: {
      code: 429,
      type: "bad_request",
      reason: "rate_limited",
      message: expect.stringMatching(new RegExp(`^Too many open streams: at most ${LIMIT} per API key at once`)),
    },
  },
};

it("counts a key's streams on every instance together and answers 429 over the cap; other keys are not counted", async () => {
  const theirs = await createSession(b, stack.otherKey, { title: "another workspace's" });
  const before = await storedState(stack, a, sessionId);
  await stream(a);
  await stream(b);
  await stream(a);
  expect(await tryStream(a, stack.key)).toEqual(refusal);
  expect(await tryStream(b, stack.key)).toEqual(refusal);
  // A refused stream took no slot of its own, and the other workspace's key has its own cap.
  expect(await tryStream(b, stack.otherKey, theirs)).toEqual({ status: 200 });
  await expectHealthy(a);
  await expectHealthy(b);
  expect(await storedState(stack, a, sessionId)).toEqual(before);
});

it("frees a slot when the client goes away, on whichever instance it was", async () => {
  await stream(a);
  await stream(a);
  const onB = await stream(b);
  expect((await tryStream(a, stack.key)).status).toBe(429);
  onB.close();
  await waitFor(async () => (await tryStream(a, stack.key)).status === 200, { what: "the freed slot" });
});

it("frees the slot of a stream the server ends (its session deleted)", async () => {
  const doomed = await createSession(a, stack.key, { title: "deleted while streamed" });
  const ending = await stream(b, stack.key, doomed);
  await stream(a);
  await stream(a);
  expect((await tryStream(a, stack.key)).status).toBe(429);
  await request(a).delete(`/api/sessions/${doomed}`).set(bearer(stack.key)).expect(204);
  await waitFor(() => ending.ended, { what: "the server to end the deleted session's stream" });
  await waitFor(async () => (await tryStream(a, stack.key)).status === 200, { what: "the freed slot" });
});

it("keeps a live stream's slot for longer than the slot's TTL: its heartbeats refresh it", async () => {
  const first = await stream(a);
  await stream(b);
  await stream(b);
  // Ten heartbeats is over three slot lifetimes (a slot lapses after three missed heartbeats).
  await first.waitForCount((event) => event.event === "heartbeat", 10, 10_000);
  expect(await tryStream(a, stack.key)).toEqual(refusal);
});

it("lets the slots of a crashed instance lapse, without anyone freeing them", async () => {
  const { redis, keys } = stack.apis[0]!.api.infrastructure;
  const { apiKeys } = stack.apis[0]!.api.services;
  const principal = await apiKeys.authenticate(stack.key);
  // What a crashed instance leaves: slots taken with the cap's TTL, never refreshed or freed.
  const crashed = new StreamSlots(redis, keys, { limit: LIMIT, ttlMs: 3 * HEARTBEAT_MS });
  for (const id of ["dead-1", "dead-2", "dead-3"]) expect(await crashed.acquire(principal!.apiKeyId, id)).toEqual({ acquired: true });
  expect(await tryStream(a, stack.key)).toEqual(refusal);
  await waitFor(async () => (await tryStream(a, stack.key)).status === 200, { what: "the dead slots to lapse", timeoutMs: 5_000 });
  await expectHealthy(a);
});
