/** The event log against a real Redis: ids, atomic publish, replay, bounds and expiry. */
import { waitFor } from "@mix/testing";
import type { LoggedEvent } from "../contracts";
import { EventLog } from "./event-log";
import { openSessionEventStream } from "./session-event-stream";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";
import { testRedis } from "../../test/helpers/test-redis-client";

const bus = createEventBusFixture("eventlog");
const { keys, redis, log, fanout } = bus;

afterAll(() => bus.close());

const content = (text: string) => ({ type: "content", content: text });

it("gives concurrent appends unique, strictly increasing ids per session", async () => {
  const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => log.append("s1", "content", content(`c${i}`))));
  const ids = appended.map((event) => Number(event.id)).sort((a, b) => a - b);
  expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect((await log.append("s2", "content", content("other session"))).id).toBe("1");
  expect(await log.lastId("s1")).toBe(50);
});

it("replays exactly the events after an id, in order", async () => {
  const replay = await log.readAfter("s1", 45);
  expect(replay.map((event) => event.id)).toEqual(["46", "47", "48", "49", "50"]);
  expect(replay[0]).toEqual({ id: "46", event: "content", data: expect.objectContaining({ type: "content" }) });
  expect(await log.readAfter("s1", 50)).toEqual([]);
});

it("keeps the log bounded and expiring, while ids keep rising", async () => {
  for (let i = 0; i < 300; i++) await log.append("bounded", "content", content(String(i)));
  const length = await redis.xlen(keys.eventLog("bounded"));
  expect(length).toBeGreaterThanOrEqual(100);
  expect(length).toBeLessThan(300);
  const ttl = await redis.ttl(keys.eventLog("bounded"));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(120);
  expect(await log.lastId("bounded")).toBe(300);
});

it("publishes each event with the id replay would give it", async () => {
  const live: LoggedEvent[] = [];
  const stop = await fanout.subscribe("pub", (event) => live.push(event));
  const appended = await log.append("pub", "thinking", { type: "thinking", content: "hm" });
  await new Promise((resolve) => setTimeout(resolve, 50));
  stop();
  expect(live).toEqual([appended]);
  expect(await log.readAfter("pub", 0)).toEqual([appended]);
});

it("delivers replay then live with no gap and no duplicate while events keep coming", async () => {
  for (let i = 0; i < 20; i++) await log.append("race", "content", content(`early ${i}`));
  const delivered: string[] = [];
  // Appends race with the stream opening: some land before the subscription, some during replay.
  const writer = (async () => {
    for (let i = 0; i < 100; i++) await log.append("race", "content", content(`late ${i}`));
  })();
  const stream = await openSessionEventStream(log, fanout, "race", 10, (event) => delivered.push(event.id));
  await writer;
  await new Promise((resolve) => setTimeout(resolve, 100));
  stream.close();
  expect(delivered.map(Number)).toEqual(Array.from({ length: 110 }, (_, i) => i + 11));
});

it("replays everything to a client whose id is ahead of a lost log", async () => {
  await log.append("lost", "content", content("after a reset"));
  const delivered: string[] = [];
  const stream = await openSessionEventStream(log, fanout, "lost", 9_999, (event) => delivered.push(event.id));
  stream.close();
  expect(delivered).toEqual(["1"]);
});

it("deletes a session's log and counter", async () => {
  await log.delete("s1");
  expect(await log.readAfter("s1", 0)).toEqual([]);
  expect(await log.lastId("s1")).toBe(0);
});

it("appends a burst in the order it was appended, in a few calls, across a reserved block's end", async () => {
  // A log on a client of its own, whose script calls are counted; ids from an in-memory mark.
  const client = testRedis();
  let scriptCalls = 0;
  // A single server's and a cluster's sendCommand alike: the command is the first argument.
  type SendCommand = (command: { name: string }, ...rest: unknown[]) => unknown;
  const counting = client as unknown as { sendCommand: SendCommand };
  const send = counting.sendCommand.bind(client);
  counting.sendCommand = (command, ...rest) => {
    if (/^eval/i.test(command.name)) scriptCalls++;
    return send(command, ...rest);
  };
  const marks = new Map<string, number>();
  const reserve = async (sessionId: string, block: number, atLeast: number) => {
    marks.set(sessionId, Math.max(marks.get(sessionId) ?? 0, atLeast) + block);
    return marks.get(sessionId)!;
  };
  const counted = new EventLog(client, keys, { maxLen: 100, ttlSeconds: 120, ids: { reserve } });
  // More than one block of reserved ids (1000), all appended before the first call returns.
  const count = 1_500;
  const live: LoggedEvent[] = [];
  const stop = await fanout.subscribe("burst", (event) => live.push(event));
  const appended = await Promise.all(Array.from({ length: count }, (_, i) => counted.append("burst", "content", content(`b${i}`))));
  client.disconnect();
  expect(appended.map((event) => event.id)).toEqual(Array.from({ length: count }, (_, i) => String(i + 1)));
  expect(appended.map((event) => (event.data as { content: string }).content)).toEqual(Array.from({ length: count }, (_, i) => `b${i}`));
  // One call for the first event, then bursts (and one more where the reserved block ran out).
  expect(scriptCalls).toBeGreaterThanOrEqual(3);
  expect(scriptCalls).toBeLessThan(count / 50);
  // The log keeps its newest events (bounded at about 100 here): the tail of the burst, in order.
  const replay = await log.readAfter("burst", 0, count);
  expect(replay.length).toBeGreaterThanOrEqual(100);
  expect(replay).toEqual(appended.slice(-replay.length));
  await waitFor(() => live.length === count);
  stop();
  expect(live).toEqual(appended);
});
