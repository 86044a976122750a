/**
 * Many idle streams on one instance: the one shared heartbeat timer reaches every stream, and a
 * client that leaves takes its fan-out listener (and its session's channel) with it.
 */
import { waitFor } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { startTestStack, type TestStack } from "./helpers/test-stack";

const HEARTBEAT_MS = 100;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: "streamidle", workers: 0, env: { SSE_HEARTBEAT_MS: String(HEARTBEAT_MS) } });
});
afterAll(() => stack?.close());

it("beats every open stream, and frees a leaving client's listener while the others go on", async () => {
  const { url, api } = stack.apis[0]!;
  const fanout = api.infrastructure.fanout;
  const channelsBefore = fanout.channelCount;
  const shared = await createSession(url, stack.key);
  const own = await Promise.all([1, 2, 3].map(() => createSession(url, stack.key)));
  const clients = await Promise.all([shared, shared, ...own].map((sessionId) => openStream(url, stack.key, sessionId)));
  try {
    // Two streams of one session share its channel: four channels for five streams.
    await waitFor(() => fanout.channelCount === channelsBefore + 4, { what: "every stream to be subscribed" });
    for (const client of clients) await client.waitForCount((event) => event.event === "heartbeat", 2, 5_000);

    const [sharedA, sharedB, ownA, ...rest] = clients;
    sharedA!.close();
    ownA!.close();
    // The shared session keeps its channel for the stream still on it; the other one's goes.
    await waitFor(() => fanout.channelCount === channelsBefore + 3, { what: "the left session's channel to be dropped" });
    const beatsBefore = [sharedB!, ...rest].map((client) => client.events.filter((event) => event.event === "heartbeat").length);
    await Promise.all([sharedB!, ...rest].map((client, index) => client.waitForCount((event) => event.event === "heartbeat", beatsBefore[index]! + 2, 5_000)));
  } finally {
    clients.forEach((client) => client.close());
  }
  await waitFor(() => fanout.channelCount === channelsBefore, { what: "every channel to be dropped" });
});
