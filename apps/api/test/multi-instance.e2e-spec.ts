/** Two API instances share one Redis: events and cancels cross instances. */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestApi, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  // A slow scripted model, so a run is still streaming when the cancel arrives.
  stack = await startTestStack({
    label: "multi",
    apiInstances: 2,
    env: { SCRIPTED_DELAY_MS: "20", SCRIPTED_CONTENT_DELTAS: "400", SCRIPTED_REASONING_DELTAS: "0" },
  });
});
afterAll(() => stack?.close());

const twoApis = (): [TestApi, TestApi] => [stack.apis[0]!, stack.apis[1]!];

it("streams on instance B the run of a message posted to instance A", async () => {
  const [a, b] = twoApis();
  expect(a.url).not.toBe(b.url);
  const sessionId = await createSession(a.url, stack.key);
  const onB = await openStream(b.url, stack.key, sessionId);
  const onA = await openStream(a.url, stack.key, sessionId);
  try {
    await sendMessage(a.url, stack.key, sessionId, "cross instance");
    const firstContent = await onB.waitForEvent((event) => event.event === "content");
    expect(firstContent.data.content).toBe("You");
    await request(b.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: true });
    await onB.waitForEvent(isComplete);
    await onA.waitForEvent(isComplete);
    // Both instances delivered the same events under the same ids.
    expect(onB.logEvents.map((event) => [event.id, event.event])).toEqual(onA.logEvents.map((event) => [event.id, event.event]));
  } finally {
    onA.close();
    onB.close();
  }
});

it("stops a run on the worker when the cancel is posted to the other instance", async () => {
  const [a, b] = twoApis();
  const sessionId = await createSession(a.url, stack.key);
  const client = await openStream(a.url, stack.key, sessionId);
  try {
    await sendMessage(a.url, stack.key, sessionId, "please stop me");
    await client.waitForCount((event) => event.event === "content", 3);
    const cancelledAt = Date.now();
    await request(b.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: true });
    const complete = await client.waitForEvent(isComplete, 5_000);
    expect(complete.data).toMatchObject({ type: "cancelled", done: true });
    // Far fewer than the 400 scripted deltas streamed, and it stopped promptly.
    const contents = client.logEvents.filter((event) => event.event === "content");
    expect(contents.length).toBeLessThan(400);
    expect(complete.receivedAt - cancelledAt).toBeLessThan(1_000);
    // The partial answer is persisted and the run is marked cancelled.
    const { prisma } = stack.apis[0]!.api.infrastructure;
    await waitFor(async () => (await prisma.run.findFirst({ where: { sessionId } }))?.status === "cancelled");
    const messages = await request(a.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
    expect(messages.body[1].assistantResponse).toBe(contents.map((event) => event.data.content).join(""));
    // Nothing active any more: a second cancel says so.
    await request(b.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: false });
  } finally {
    client.close();
  }
});

it("ends queued runs as cancelled, in order, when the session is cancelled", async () => {
  const [a] = twoApis();
  const sessionId = await createSession(a.url, stack.key);
  const client = await openStream(a.url, stack.key, sessionId);
  try {
    await sendMessage(a.url, stack.key, sessionId, "running");
    await sendMessage(a.url, stack.key, sessionId, "queued behind");
    await client.waitForEvent((event) => event.event === "content");
    await request(a.url).post(`/api/sessions/${sessionId}/cancel`).set(bearer(stack.key)).expect(200, { cancelled: true });
    const completes = await client.waitForCount(isComplete, 2);
    expect(completes.map((event) => event.data.type)).toEqual(["cancelled", "cancelled"]);
    const { prisma } = stack.apis[0]!.api.infrastructure;
    const statuses = await prisma.run.findMany({ where: { sessionId }, select: { status: true } });
    expect(statuses.map((run) => run.status)).toEqual(["cancelled", "cancelled"]);
  } finally {
    client.close();
  }
});

it("uses one Redis subscription per session per instance, however many clients watch", async () => {
  const [a] = twoApis();
  // Streams closed by earlier tests are released asynchronously: start from none.
  await waitFor(() => a.api.infrastructure.fanout.channelCount === 0, { what: "earlier streams to be released" });
  const sessionId = await createSession(a.url, stack.key);
  const clients = await Promise.all(Array.from({ length: 5 }, () => openStream(a.url, stack.key, sessionId)));
  try {
    expect(a.api.infrastructure.fanout.channelCount).toBe(1);
  } finally {
    clients.forEach((client) => client.close());
  }
  await waitFor(() => a.api.infrastructure.fanout.channelCount === 0, { what: "the subscription to be dropped" });
});
