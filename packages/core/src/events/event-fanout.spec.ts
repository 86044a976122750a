/**
 * Live events as the fan-out hands them on: the data's JSON text exactly as it was published (an
 * SSE stream writes it unparsed), the same event object for every listener of the process, and a
 * session channel dropped once its last listener leaves.
 */
import { waitFor } from "@mix/testing";
import type { LoggedEvent } from "../contracts";
import { publishedJson } from "./event-fanout";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";
import { testRedis } from "../../test/helpers/test-redis-client";

const bus = createEventBusFixture("fanoutraw");
const { log, fanout, redis, keys } = bus;
afterAll(() => bus.close());

it("hands every listener one event whose JSON text is the published one and whose data parses to the appended payload", async () => {
  const first: LoggedEvent[] = [];
  const second: LoggedEvent[] = [];
  const stops = [await fanout.subscribe("raw", (event) => first.push(event)), await fanout.subscribe("raw", (event) => second.push(event))];
  try {
    const payload = { type: "content", content: 'quotes " and \\ and a line\nbreak, ünïcødé' } as const;
    const appended = await log.append("raw", "content", payload);
    await waitFor(() => first.length === 1 && second.length === 1, { what: "the live event" });
    const [event] = first;
    expect(second[0]).toBe(event);
    expect(publishedJson(event!)).toBe(JSON.stringify(payload));
    expect(event).toMatchObject({ id: appended.id, event: "content" });
    expect(event!.data).toEqual(payload);
    // Parsed once: every reader sees the same object.
    expect(event!.data).toBe(event!.data);
    // An event that did not come through the channel has no published text.
    expect(publishedJson(appended)).toBeUndefined();
  } finally {
    stops.forEach((stop) => stop());
  }
});

it("drops a session's channel when its last listener leaves", async () => {
  const before = fanout.channelCount;
  const stopA = await fanout.subscribe("leaving", () => undefined);
  const stopB = await fanout.subscribe("leaving", () => undefined);
  expect(fanout.channelCount).toBe(before + 1);
  stopA();
  expect(fanout.channelCount).toBe(before + 1);
  stopB();
  expect(fanout.channelCount).toBe(before);
  await waitFor(async () => (await redis.pubsub("NUMSUB", keys.eventChannel("leaving")))[1] === 0, { what: "the channel to be unsubscribed" });
});

it("logs and skips a message that is not id, event and data", async () => {
  const received: LoggedEvent[] = [];
  const stop = await fanout.subscribe("garbled", (event) => received.push(event));
  try {
    await redis.publish(keys.eventChannel("garbled"), "no line breaks here");
    await log.append("garbled", "content", { type: "content", content: "after" });
    await waitFor(() => received.length === 1, { what: "the well-formed event" });
    expect(received[0]!.event).toBe("content");
  } finally {
    stop();
  }
});

it("publishes the events appended together as one message and hands them on one by one, in order, each with its published text", async () => {
  const tap = testRedis();
  const published: string[] = [];
  tap.on("message", (_channel: string, message: string) => published.push(message));
  await tap.subscribe(keys.eventChannel("burst"));
  const received: LoggedEvent[] = [];
  const stop = await fanout.subscribe("burst", (event) => received.push(event));
  try {
    // Separators and line breaks inside the data: JSON text escapes all three.
    const payloads = Array.from({ length: 40 }, (_, i) => ({ type: "content", content: `w${i} \u001e\u001f\n` }) as const);
    const appended = await Promise.all(payloads.map((payload) => log.append("burst", "content", payload)));
    await waitFor(() => received.length === payloads.length, { what: "every event of the burst" });
    expect(received.map((event) => event.id)).toEqual(appended.map((event) => event.id));
    expect(received.map((event) => event.data)).toEqual(payloads);
    expect(received.map((event) => publishedJson(event))).toEqual(payloads.map((payload) => JSON.stringify(payload)));
    // The first append went out alone, the rest queued behind it went out together.
    await waitFor(() => published.length === 2, { what: "the two messages" });
    expect(published[0]!.startsWith("\u001e")).toBe(false);
    expect(published[1]!.startsWith("\u001e")).toBe(true);
    // No line break in a batch: a process from before batches finds it undecodable and drops it, its streams then catch up from the log.
    expect(published[1]).not.toContain("\n");
  } finally {
    stop();
    tap.disconnect();
  }
});

it("logs and skips a batch with a malformed record, and keeps delivering", async () => {
  const received: LoggedEvent[] = [];
  const stop = await fanout.subscribe("garbled-batch", (event) => received.push(event));
  try {
    for (const garbled of ["\u001e", "\u001e7\u001fcontent", "\u001e7\u001fcontent\u001f{}\u001e8 content {}"])
      await redis.publish(keys.eventChannel("garbled-batch"), garbled);
    await log.append("garbled-batch", "content", { type: "content", content: "after" });
    await waitFor(() => received.length === 1, { what: "the well-formed event" });
    expect(received[0]!.data).toEqual({ type: "content", content: "after" });
  } finally {
    stop();
  }
});
