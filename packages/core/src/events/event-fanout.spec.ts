/**
 * Live events as the fan-out hands them on: the data's JSON text exactly as it was published (an
 * SSE stream writes it unparsed), the same event object for every listener of the process, and a
 * session channel dropped once its last listener leaves.
 */
import { waitFor } from "@mix/testing";
import type { LoggedEvent } from "../contracts";
import { publishedJson } from "./event-fanout";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";

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
