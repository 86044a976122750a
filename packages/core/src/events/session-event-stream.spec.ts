/**
 * A client's stream when Redis drops events: after the subscriber connection comes back it
 * catches up from the log with no gap and no duplicate, and a last id the log can no longer
 * serve is announced once (onGap) before the events that are left.
 */
import { waitFor } from "@mix/testing";
import { openSessionEventStream, type ReplayGap } from "./session-event-stream";
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";

const bus = createEventBusFixture("streamgaps");
const { keys, redis, log, fanout, subscriber } = bus;
afterAll(() => bus.close());

const content = (text: string) => ({ type: "content", content: text });

it("catches up from the log after the subscriber connection was lost, with no gap and no duplicate", async () => {
  for (let i = 0; i < 3; i++) await log.append("resync", "content", content(`before ${i}`));
  const delivered: number[] = [];
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, "resync", 3, (event) => delivered.push(Number(event.id)), { onGap: (gap) => gaps.push(gap) });
  try {
    await log.append("resync", "content", content("live"));
    await waitFor(() => delivered.length === 1, { what: "the live event" });
    // Events published while the subscriber is away reach nobody live.
    subscriber.disconnect(true);
    for (let i = 0; i < 5; i++) await log.append("resync", "content", content(`missed ${i}`));
    await waitFor(() => delivered.length === 6, { timeoutMs: 10_000, what: "the missed events to be caught up" });
    await log.append("resync", "content", content("live again"));
    await waitFor(() => delivered.length === 7, { what: "live delivery to resume" });
    expect(delivered).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(gaps).toEqual([]);
  } finally {
    stream.close();
  }
});

it("announces once what a trimmed log cannot serve, then sends what is left", async () => {
  for (let i = 0; i < 300; i++) await log.append("trimmed", "content", content(String(i)));
  const delivered: number[] = [];
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, "trimmed", 5, (event) => delivered.push(Number(event.id)), { onGap: (gap) => gaps.push(gap) });
  stream.close();
  expect(gaps).toHaveLength(1);
  expect(gaps[0]!.afterId).toBe(5);
  expect(gaps[0]!.resumedAt).toBe(delivered[0]);
  expect(delivered.at(-1)).toBe(300);
});

it("announces a log lost with Redis to a client that was inside it", async () => {
  for (let i = 0; i < 4; i++) await log.append("wiped", "content", content(String(i)));
  await redis.del(keys.eventLog("wiped"));
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, "wiped", 2, () => undefined, { onGap: (gap) => gaps.push(gap) });
  stream.close();
  expect(gaps).toEqual([{ afterId: 2, resumedAt: 0 }]);
});

it("says nothing to a client that is up to date", async () => {
  await log.append("current", "content", content("one"));
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, "current", 1, () => undefined, { onGap: (gap) => gaps.push(gap) });
  stream.close();
  expect(gaps).toEqual([]);
});

it("fills a skip in live ids from the log, since pub/sub can drop what the log kept", async () => {
  await log.append("dropped", "content", content("first"));
  const delivered: number[] = [];
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, "dropped", 1, (event) => delivered.push(Number(event.id)), { onGap: (gap) => gaps.push(gap) });
  try {
    // What a lost publish leaves behind: the event in the log, never on the channel.
    await redis.xadd(keys.eventLog("dropped"), "2-0", "e", "content", "d", JSON.stringify(content("unpublished")));
    await redis.incr(keys.eventSeq("dropped"));
    await log.append("dropped", "content", content("live"));
    await waitFor(() => delivered.length === 2, { what: "the dropped event and the live one" });
    await log.append("dropped", "content", content("live again"));
    await waitFor(() => delivered.length === 3, { what: "live delivery to resume" });
    expect(delivered).toEqual([2, 3, 4]);
    expect(gaps).toEqual([]);
  } finally {
    stream.close();
  }
});

it("announces a Redis restart it only sees as a live id far ahead (the worker appended before the reconnect was noticed)", async () => {
  const prisma = await bus.prisma();
  const workspace = await prisma.workspace.create({ data: { name: "restart" } });
  const sessionId = (await prisma.session.create({ data: { workspaceId: workspace.id, title: "restart" } })).id;
  for (let i = 0; i < 4; i++) await log.append(sessionId, "content", content(String(i)));
  const delivered: number[] = [];
  const gaps: ReplayGap[] = [];
  const stream = await openSessionEventStream(log, fanout, sessionId, 4, (event) => delivered.push(Number(event.id)), { onGap: (gap) => gaps.push(gap) });
  try {
    // A restart without persistence, with the subscriber connection left standing.
    await redis.del(keys.eventSeq(sessionId), keys.eventSeqTop(sessionId), keys.eventLog(sessionId));
    const after = Number((await log.append(sessionId, "content", content("after the restart"))).id);
    await waitFor(() => delivered.length === 1, { what: "the event after the restart" });
    expect(after).toBeGreaterThan(4);
    expect(delivered).toEqual([after]);
    expect(gaps).toEqual([{ afterId: 4, resumedAt: after }]);
  } finally {
    stream.close();
  }
});
