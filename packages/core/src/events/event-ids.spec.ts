/**
 * Event ids against real Redis and Postgres: handed out in blocks Postgres reserved, so after
 * Redis loses a session's counter (a restart without persistence) the next id is above every id
 * already used, and a counter from before ids were backed keeps counting.
 */
import { createEventBusFixture } from "../../test/helpers/event-bus-fixture";
import { EVENT_ID_BLOCK } from "./event-log";

const bus = createEventBusFixture("eventids");
const { keys, redis, log } = bus;
afterAll(() => bus.close());

const content = (text: string) => ({ type: "content", content: text });

async function newSession(): Promise<string> {
  const prisma = await bus.prisma();
  const workspace = await prisma.workspace.create({ data: { name: "ids" } });
  return (await prisma.session.create({ data: { workspaceId: workspace.id, title: "ids" } })).id;
}
const highWater = async (sessionId: string) => (await (await bus.prisma()).session.findUniqueOrThrow({ where: { id: sessionId } })).eventHighWater;
/** What a Redis restart without persistence does to one session. */
const loseRedisState = (sessionId: string) => redis.del(keys.eventSeq(sessionId), keys.eventSeqTop(sessionId), keys.eventLog(sessionId));

it("starts at 1 and reserves ids in Postgres a block at a time", async () => {
  const sessionId = await newSession();
  expect((await log.append(sessionId, "content", content("first"))).id).toBe("1");
  expect(await highWater(sessionId)).toBe(EVENT_ID_BLOCK);
  for (let i = 2; i <= EVENT_ID_BLOCK + 1; i++) await log.append(sessionId, "content", content(String(i)));
  expect(await log.lastId(sessionId)).toBe(EVENT_ID_BLOCK + 1);
  expect(await highWater(sessionId)).toBe(2 * EVENT_ID_BLOCK);
});

it("never hands out an id twice after Redis lost the counter, even to concurrent appends", async () => {
  const sessionId = await newSession();
  const before = [];
  for (let i = 0; i < 25; i++) before.push(Number((await log.append(sessionId, "content", content(`before ${i}`))).id));
  await loseRedisState(sessionId);
  const after = (await Promise.all(Array.from({ length: 40 }, (_, i) => log.append(sessionId, "content", content(`after ${i}`))))).map((event) =>
    Number(event.id),
  );
  expect(new Set(after).size).toBe(40);
  expect(Math.min(...after)).toBeGreaterThan(Math.max(...before));
  // Every id handed out is at or below the stored mark.
  expect(Math.max(...after)).toBeLessThanOrEqual(await highWater(sessionId));
});

it("keeps counting a counter that had no reserved top (from before ids were backed)", async () => {
  const sessionId = await newSession();
  await redis.set(keys.eventSeq(sessionId), "5000");
  expect((await log.append(sessionId, "content", content("next"))).id).toBe("5001");
  expect(await highWater(sessionId)).toBeGreaterThanOrEqual(5001);
  await loseRedisState(sessionId);
  expect(Number((await log.append(sessionId, "content", content("after a loss"))).id)).toBeGreaterThan(5001);
});

it("still gives ids to the last events of a session that is gone", async () => {
  const first = await log.append("no-such-session", "session_deleted", { type: "session_deleted", sessionId: "no-such-session" });
  const second = await log.append("no-such-session", "content", content("late"));
  expect(Number(second.id)).toBe(Number(first.id) + 1);
});
