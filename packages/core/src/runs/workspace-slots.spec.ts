/**
 * A workspace's run slots against a real Redis: at most its cap are held at once, a run over it
 * is listed as waiting and the longest waiting one is woken when a slot frees, and the slot of a
 * holder that stops renewing (its worker died) lapses by itself.
 */
import { deleteRedisPrefix, testRedisPrefix, waitFor } from "@mix/testing";
import { createLogger } from "../logging/logger";
import type { WakeOutcome } from "../queues/run-queue";
import { WorkspaceSlots } from "./workspace-slots";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("workspace-slots");
const keys = testRedisKeys(prefix);
const redis = testRedis();

afterAll(async () => {
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

/** Slots over their own connection, with a queue that records wakes and answers from `jobs` (default: woken). */
function slotsOf(ttlMs: number, jobs: Record<string, WakeOutcome> = {}, connection = redis) {
  const woken: string[] = [];
  const queue = {
    wakeWaiting: async (runId: string): Promise<WakeOutcome> => {
      woken.push(runId);
      return jobs[runId] ?? "woken";
    },
  };
  const slots = new WorkspaceSlots({ redis: connection, keys, queue, caps: { of: async () => null }, ttlMs, logger: createLogger("test", "silent") });
  return { slots, woken };
}
const waiting = (workspaceId: string) => redis.zrange(keys.workspaceRunsWaiting(workspaceId), 0, "-1");

it("holds at most the cap, lists a run over it as waiting, and wakes it when a slot frees", async () => {
  const { slots, woken } = slotsOf(10_000);
  const first = await slots.take("capped", "run-1", 2, 1);
  const second = await slots.take("capped", "run-2", 2, 2);
  expect(first).not.toBeNull();
  expect(second).not.toBeNull();
  expect(await slots.take("capped", "run-4", 2, 4)).toBeNull();
  expect(await slots.take("capped", "run-3", 2, 3)).toBeNull();
  // Listed oldest first, whatever order they came in.
  expect(await waiting("capped")).toEqual(["run-3", "run-4"]);
  expect(await slots.hasFree("capped", 2)).toBe(false);
  // Another workspace has slots of its own.
  expect(await slots.take("other", "run-9", 2, 9)).not.toBeNull();

  await first!.release();
  expect(woken).toEqual(["run-3"]);
  expect(await waiting("capped")).toEqual(["run-4"]);
  // The woken run takes the slot; one more waits again.
  const third = await slots.take("capped", "run-3", 2, 3);
  expect(third).not.toBeNull();
  expect(await slots.take("capped", "run-5", 2, 5)).toBeNull();
  expect(await waiting("capped")).toEqual(["run-4", "run-5"]);
  await Promise.all([second!.release(), third!.release()]);
});

it("takes no slot without a cap", async () => {
  const { slots } = slotsOf(10_000);
  for (let i = 0; i < 5; i++) expect(await slots.take("uncapped", `run-${i}`, null, i)).not.toBeNull();
  expect(await redis.exists(keys.workspaceRunSlots("uncapped"))).toBe(0);
  expect(await slots.hasFree("uncapped", null)).toBe(true);
});

it("passes over waiters already back in line and drops those whose job is gone", async () => {
  const { slots, woken } = slotsOf(10_000, { "run-2": "gone", "run-3": "queued" });
  const held = await slots.take("busy", "run-1", 1, 1);
  for (const [runId, order] of [
    ["run-2", 2],
    ["run-3", 3],
    ["run-4", 4],
    ["run-5", 5],
  ] as const)
    await slots.take("busy", runId, 1, order);
  await held!.release();
  expect(woken).toEqual(["run-2", "run-3", "run-4"]);
  // The gone one and the woken one are off the list; the one back in line stays until it takes a slot.
  expect(await waiting("busy")).toEqual(["run-3", "run-5"]);
});

it("frees the slot of a holder that stops renewing, and keeps a live holder's past its ttl", async () => {
  const dying = testRedis();
  const { slots: deadWorker } = slotsOf(1_000, {}, dying);
  const { slots: liveWorker } = slotsOf(1_000);
  expect(await deadWorker.take("lapsing", "run-dead", 1, 1)).not.toBeNull();
  const liveSince = Date.now();
  const live = await liveWorker.take("renewed", "run-live", 1, 1);
  // The dead worker's connection goes: its renewals stop.
  dying.disconnect();
  expect(await liveWorker.hasFree("lapsing", 1)).toBe(false);
  await waitFor(() => liveWorker.hasFree("lapsing", 1), { timeoutMs: 5_000, what: "the dead holder's slot to lapse" });
  // Well past the ttl, the renewed slot is still held.
  await waitFor(() => Date.now() > liveSince + 1_500, { timeoutMs: 3_000, what: "one and a half ttl" });
  expect(await liveWorker.hasFree("renewed", 1)).toBe(false);
  expect(await liveWorker.take("lapsing", "run-next", 1, 2)).not.toBeNull();
  await live!.release();
});

it("puts a holder back when Redis lost its slot", async () => {
  const { slots } = slotsOf(1_000);
  const held = await slots.take("lost", "run-1", 1, 1);
  await redis.del(keys.workspaceRunSlots("lost"));
  await waitFor(async () => (await redis.zcard(keys.workspaceRunSlots("lost"))) === 1, { timeoutMs: 3_000, what: "the renewal to write the slot again" });
  expect(await slots.hasFree("lost", 1)).toBe(false);
  await held!.release();
  expect(await slots.hasFree("lost", 1)).toBe(true);
});

it("lets a resumed run take over the slot its dead attempt still holds", async () => {
  const dying = testRedis();
  const { slots: deadWorker } = slotsOf(10_000, {}, dying);
  const { slots: nextWorker } = slotsOf(10_000);
  expect(await deadWorker.take("resumed", "run-1", 1, 1)).not.toBeNull();
  dying.disconnect();
  // Another run waits for the slot; the run itself, resumed, takes it at once.
  expect(await nextWorker.take("resumed", "run-2", 1, 2)).toBeNull();
  const resumed = await nextWorker.take("resumed", "run-1", 1, 1);
  expect(resumed).not.toBeNull();
  expect(await redis.zcard(keys.workspaceRunSlots("resumed"))).toBe(1);
  await resumed!.release();
  expect(await nextWorker.take("resumed", "run-2", 1, 2)).not.toBeNull();
});
