/** The event log against a real Redis: ids, atomic publish, replay, bounds and expiry. */
import type { LoggedEvent } from "../contracts";
import { openSessionEventStream } from "./session-event-stream";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";

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
