/**
 * Redis restarted empty in the middle of work (a failover to an empty replica, a cache-only
 * Redis restarted), on a redis-server of this file's own: with no process restarted, every run
 * that was streaming, running a tool or queued ends up finished, in order and once each; a
 * cancel sent during the outage takes effect; event ids are never used twice; a stream open
 * through the loss and one reconnecting after both get every event that still exists, with the
 * loss announced.
 */
import request from "supertest";
import { startOwnRedisServer, waitFor, type OwnRedisServer, type SseClient, type SseEvent } from "@mix/testing";
import { createSession, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let redis: OwnRedisServer;
let stack: TestStack;
let url: string;

beforeAll(async () => {
  redis = await startOwnRedisServer();
  stack = await startTestStack({
    label: "redis-loss",
    workers: 2,
    env: {
      REDIS_URL: redis.url,
      // Slow enough that the loss lands mid-stream: about 2.4 s a step.
      SCRIPTED_DELAY_MS: "40",
      SCRIPTED_CONTENT_DELTAS: "60",
      RUN_LEASE_MS: "3000",
      RUN_RECOVERY_INTERVAL_MS: "1000",
      RUN_ENQUEUE_GRACE_MS: "1000",
    },
  });
  url = stack.apis[0]!.url;
  await request(url).put("/api/permissions/policy").set(bearer(stack.key)).send({ tools: [] }).expect(200);
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await redis?.close();
});

const isLogged = (event: SseEvent) => event.event !== "connected" && event.event !== "heartbeat" && event.data.type !== "replay_unavailable";
const ids = (client: SseClient) => client.events.filter(isLogged).map((event) => Number(event.id));
const completes = (client: SseClient) => client.events.filter((event) => event.event === "complete");
const runsOf = (sessionId: string) =>
  stack.apis[0]!.api.infrastructure.prisma.run.findMany({
    where: { sessionId },
    orderBy: { message: { turn: "asc" } },
    select: { id: true, status: true, attempts: true },
  });

it("recovers every run by itself after Redis comes back empty", async () => {
  const key = stack.key;
  const streaming = await createSession(url, key);
  const tooling = await createSession(url, key);
  const cancelling = await createSession(url, key);
  const sentDuring = await createSession(url, key);
  const throughout = await openStream(url, key, streaming);
  const toolStream = await openStream(url, key, tooling);
  const cancelStream = await openStream(url, key, cancelling);
  try {
    const first = (await sendMessage(url, key, streaming, "a long answer, please")).body;
    await sendMessage(url, key, streaming, "and a second one behind it");
    await sendMessage(url, key, tooling, `run this\n@tool Bash ${JSON.stringify({ command: "sleep 2; echo slept > slept.txt" })}`);
    await sendMessage(url, key, cancelling, "this one gets cancelled during the outage");
    await throughout.waitForCount((event) => event.event === "content", 5, 15_000);
    await toolStream.waitForEvent((event) => event.event === "tool_execution_start", 15_000, "the tool to start");
    await cancelStream.waitForEvent((event) => event.event === "content", 15_000, "the run to be cancelled to stream");
    const idsBefore = [...ids(throughout), ...ids(toolStream), ...ids(cancelStream)];
    const lastBefore = Math.max(...ids(throughout));

    await redis.stop();
    // A cancel while Redis is down is stored and answered; it takes effect once Redis is back.
    const cancelStarted = Date.now();
    await request(url).post(`/api/sessions/${cancelling}/cancel`).set(bearer(key)).expect(200, { cancelled: true });
    expect(Date.now() - cancelStarted).toBeLessThan(5_000);
    // A send while Redis is down is stored and accepted; the sweep queues it once Redis is back.
    const sendStarted = Date.now();
    await sendMessage(url, key, sentDuring, "sent while Redis was down");
    expect(Date.now() - sendStarted).toBeLessThan(5_000);
    await redis.start();
    const back = Date.now();

    await waitFor(async () => (await runsOf(streaming)).every((run) => run.status === "completed"), {
      timeoutMs: 45_000,
      intervalMs: 200,
      what: "both runs of the streaming session to complete",
    });
    const recoveredMs = Date.now() - back;
    await waitFor(async () => (await runsOf(tooling)).every((run) => run.status === "completed"), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: "the tool run to complete",
    });
    await waitFor(async () => (await runsOf(cancelling)).every((run) => run.status === "cancelled"), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: "the cancelled run to end",
    });
    await waitFor(async () => (await runsOf(sentDuring)).every((run) => run.status === "completed"), {
      timeoutMs: 30_000,
      intervalMs: 200,
      what: "the message sent during the outage to run",
    });
    process.stdout.write(`redis-loss: both runs of the streaming session completed ${recoveredMs} ms after Redis came back\n`);

    // Each run once, in order: the second started only after the first was done.
    const [firstRun, secondRun] = await runsOf(streaming);
    expect(firstRun!.id).toBe(first.messageId ?? firstRun!.id);
    const messages = (await request(url).get(`/api/sessions/${streaming}/messages`).set(bearer(key)).expect(200)).body as { role: string }[];
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
    expect(secondRun!.attempts).toBe(1);

    // The stream open throughout saw both runs end, the loss announced, and no id twice.
    await throughout.waitForCount((event) => event.event === "complete", 2, 15_000);
    expect(completes(throughout).map((event) => event.data.type)).toEqual(["complete", "complete"]);
    expect(throughout.events.some((event) => event.data.type === "replay_unavailable")).toBe(true);
    const seen = ids(throughout);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
    await cancelStream.waitForEvent((event) => event.event === "complete" && event.data.type === "cancelled", 15_000, "the cancelled run's complete");

    // A client coming back with its last id from before the loss is told, then gets what exists.
    const reconnecting = await openStream(url, key, streaming, String(lastBefore));
    await reconnecting.waitForCount((event) => event.event === "complete", 2, 10_000);
    expect(reconnecting.events.find((event) => event.data.type === "replay_unavailable")?.data.error).toMatch(/no longer in the replay log/);
    reconnecting.close();

    // The whole log from 0: every id above every id handed out before the loss, none twice.
    const fromZero = await openStream(url, key, streaming, "0");
    await fromZero.waitForCount((event) => event.event === "complete", 2, 10_000);
    const replayed = ids(fromZero);
    expect(new Set(replayed).size).toBe(replayed.length);
    expect(Math.min(...replayed)).toBeGreaterThan(Math.max(...idsBefore));
    fromZero.close();

    // The cancelled session can be deleted now.
    await request(url).delete(`/api/sessions/${cancelling}`).set(bearer(key)).expect(204);
  } finally {
    throughout.close();
    toolStream.close();
    cancelStream.close();
  }
}, 120_000);
