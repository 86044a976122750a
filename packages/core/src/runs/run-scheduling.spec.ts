/**
 * The session's lease asked for while the run is read (RunScheduling.leaseEarly) against a real
 * Redis: a run that may execute uses it, one that must wait gives it back at once and wakes the
 * run ahead of it, which may have found the session taken meanwhile.
 */
import { DelayedError, type Job } from "bullmq";
import { deleteRedisPrefix, testRedisPrefix } from "@mix/testing";
import { RunLeases } from "./run-lease";
import { RunScheduling, type RunSchedulingDeps } from "./run-scheduling";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("scheduling");
const redis = testRedis();
const keys = testRedisKeys(prefix);
const leases = new RunLeases(redis, keys, 5_000);

afterAll(async () => {
  await deleteRedisPrefix(prefix);
  redis.disconnect();
});

/** A scheduler whose session's next queued run is `next`; records the runs it wakes and the jobs it delays. */
function scheduler(next: string | null) {
  const woken: string[] = [];
  const delayed: number[] = [];
  const deps = {
    runs: { nextQueuedRunId: async () => next, hasEarlierActiveRun: async () => false },
    leases,
    queue: { wake: async (runId: string) => void woken.push(runId) },
    slots: { capOf: async () => null, take: async () => ({ release: async () => undefined }) },
    busyRetryMs: 500,
  } as unknown as RunSchedulingDeps;
  const job = { moveToDelayed: async (at: number) => void delayed.push(at) } as unknown as Job;
  return { scheduling: new RunScheduling(deps), woken, delayed, job };
}

it("executes a run on the lease it asked for early, and frees the session after", async () => {
  const { scheduling, job } = scheduler(null);
  const early = scheduling.leaseEarly("s-free", "run-1");
  let heldWhileRunning = false;
  await scheduling.executeInTurn(
    job,
    "token",
    { id: "run-1", sessionId: "s-free", workspaceId: "w", turn: 1, earlierRunActive: false },
    async () => {
      heldWhileRunning = await leases.isHeld("s-free");
    },
    early,
  );
  expect(heldWhileRunning).toBe(true);
  expect(await leases.isHeld("s-free")).toBe(false);
});

it("gives an early lease back at once when a run of an earlier turn is active, and wakes that run", async () => {
  const { scheduling, woken, delayed, job } = scheduler("run-ahead");
  const early = scheduling.leaseEarly("s-busy", "run-2");
  const waiting = scheduling.executeInTurn(
    job,
    "token",
    { id: "run-2", sessionId: "s-busy", workspaceId: "w", turn: 2, earlierRunActive: true },
    async () => {
      throw new Error("must not execute before the run ahead of it");
    },
    early,
  );
  await expect(waiting).rejects.toBeInstanceOf(DelayedError);
  expect(await leases.isHeld("s-busy")).toBe(false);
  expect(woken).toEqual(["run-ahead"]);
  expect(delayed).toHaveLength(1);
});

it("drops an early lease it did not get without waking anyone", async () => {
  const holder = await leases.acquire("s-held", "run-other");
  const { scheduling, woken } = scheduler("run-ahead");
  const early = scheduling.leaseEarly("s-held", "run-3");
  expect(await early.drop()).toBe(false);
  expect(woken).toEqual([]);
  expect(await leases.isHeld("s-held")).toBe(true);
  await holder!.release();
});
