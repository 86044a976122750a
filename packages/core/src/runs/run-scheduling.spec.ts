/**
 * The session's lease and the workspace's slot claimed before the run is read
 * (RunScheduling.claim) against a real Redis: a run that may execute uses them, one that must
 * wait gives them back at once and wakes the run ahead of it, which may have found the session
 * taken meanwhile; a workspace that is full leaves the claim without a slot and its lease free.
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

/** A workspace without a cap; records the slots it gives and frees. */
function freeSlots(free = true) {
  const events: string[] = [];
  return {
    events,
    capOf: async () => (free ? null : 1),
    take: async () => {
      if (!free) return null;
      events.push("take");
      return { release: async () => void events.push("release") };
    },
    retryDelayMs: () => 5_000,
    hasFree: async () => free,
  };
}

/**
 * A scheduler whose session's next queued run is `next` (and whose runs have an earlier one
 * active when `earlierActive`); records the runs it wakes, the jobs it delays and the lookups of a next run.
 */
function scheduler(next: string | null, slots: unknown = freeSlots(), earlierActive = false) {
  const woken: string[] = [];
  const delayed: number[] = [];
  const lookups: string[] = [];
  const deps = {
    runs: {
      nextQueuedRunId: async (sessionId: string) => (lookups.push(sessionId), next),
      hasEarlierActiveRun: async () => earlierActive,
    },
    leases,
    queue: { wake: async (runId: string) => void woken.push(runId) },
    slots,
    busyRetryMs: 500,
  } as unknown as RunSchedulingDeps;
  const jobOf = (id: string) => ({ id, moveToDelayed: async (at: number) => void delayed.push(at) }) as unknown as Job;
  return { scheduling: new RunScheduling(deps), woken, delayed, lookups, job: jobOf("job"), jobOf };
}

it("executes a run on the lease and slot it claimed, and frees both after, asking for no next run nobody waits for", async () => {
  const slots = freeSlots();
  const { scheduling, job, lookups } = scheduler(null, slots);
  const early = scheduling.claim({ sessionId: "s-free", workspaceId: "w", runId: "run-1", order: 1 });
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
  expect(slots.events).toEqual(["take", "release"]);
  expect(lookups).toEqual([]);
});

it("gives a claim back at once when a run of an earlier turn is active, and wakes that run", async () => {
  const slots = freeSlots();
  const { scheduling, woken, delayed, job } = scheduler("run-ahead", slots, true);
  const early = scheduling.claim({ sessionId: "s-busy", workspaceId: "w", runId: "run-2", order: 1 });
  // The run ahead found the session taken by this claim, and stepped back.
  await early.lease;
  expect(await leases.markWaiting("s-busy", "run-ahead")).toBe(true);
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
  expect(slots.events).toEqual(["take", "release"]);
});

it("drops a claim whose lease it did not get without waking anyone", async () => {
  const holder = await leases.acquire("s-held", "run-other");
  const { scheduling, woken } = scheduler("run-ahead");
  const early = scheduling.claim({ sessionId: "s-held", workspaceId: "w", runId: "run-3", order: 1 });
  expect(await early.held()).toBe(false);
  expect(await early.drop()).toBe(0);
  expect(woken).toEqual([]);
  expect(await leases.isHeld("s-held")).toBe(true);
  await holder!.release();
});

it("frees the session of a claim whose workspace is full, wakes a run that stepped back meanwhile, and waits for a slot", async () => {
  const { scheduling, delayed, woken, job } = scheduler("run-ahead-4", freeSlots(false));
  const claim = scheduling.claim({ sessionId: "s-full", workspaceId: "w-full", runId: "run-4", order: 1 });
  expect(await claim.held()).toBe(false);
  expect(await leases.isHeld("s-full")).toBe(true);
  expect(await leases.markWaiting("s-full", "run-ahead-4")).toBe(true);
  const waiting = scheduling.executeInTurn(
    job,
    "token",
    { id: "run-4", sessionId: "s-full", workspaceId: "w-full", turn: 1, earlierRunActive: false },
    async () => {
      throw new Error("must not execute without a slot");
    },
    claim,
  );
  await expect(waiting).rejects.toBeInstanceOf(DelayedError);
  expect(await leases.isHeld("s-full")).toBe(false);
  expect(delayed).toHaveLength(1);
  expect(woken).toEqual(["run-ahead-4"]);
});

it("wakes a run that stepped back while the session was held, when the holder ends", async () => {
  const { scheduling, woken, lookups, job, jobOf } = scheduler("run-6", freeSlots(), true);
  const claim = scheduling.claim({ sessionId: "s-queue", workspaceId: "w", runId: "run-5", order: 1 });
  await scheduling.executeInTurn(
    job,
    "token",
    { id: "run-5", sessionId: "s-queue", workspaceId: "w", turn: 1, earlierRunActive: false },
    async () => {
      // The next turn's job comes while this run holds the session: it steps back, listed as waiting.
      const next = scheduling.executeInTurn(
        jobOf("run-6"),
        "token",
        { id: "run-6", sessionId: "s-queue", workspaceId: "w", turn: 2, earlierRunActive: true },
        async () => {
          throw new Error("must wait for run-5");
        },
      );
      await expect(next).rejects.toBeInstanceOf(DelayedError);
      expect(woken).toEqual([]);
    },
    claim,
  );
  expect(lookups).toEqual(["s-queue"]);
  expect(woken).toEqual(["run-6"]);
  // Woken and ended, it waits no more: the session's next release looks for nobody.
  const again = scheduling.claim({ sessionId: "s-queue", workspaceId: "w", runId: "run-6", order: 2 });
  await scheduling.executeInTurn(
    jobOf("run-6"),
    "token",
    { id: "run-6", sessionId: "s-queue", workspaceId: "w", turn: 2, earlierRunActive: false },
    async () => undefined,
    again,
  );
  expect(lookups).toEqual(["s-queue"]);
});

it("looks again at once when the session was freed before the run listed itself as waiting", async () => {
  const { scheduling, woken } = scheduler(null);
  const holder = await leases.acquire("s-race", "run-ahead");
  let releasedCount: number | undefined;
  // The holder ends between the job's look and its listing: no release counts it, so it wakes itself.
  const job = { id: "run-8", moveToDelayed: async () => void (releasedCount = await holder!.release()) } as unknown as Job;
  const waiting = scheduling.executeInTurn(job, "token", { id: "run-8", sessionId: "s-race", workspaceId: "w", turn: 2, earlierRunActive: false }, async () => {
    throw new Error("the session was held when it looked");
  });
  await expect(waiting).rejects.toBeInstanceOf(DelayedError);
  expect(releasedCount).toBe(0);
  expect(woken).toEqual(["run-8"]);
});

it("stays delayed when the session is free but an earlier run is still to come (its release counts the waiter)", async () => {
  const { scheduling, woken, jobOf } = scheduler(null, freeSlots(), true);
  const waiting = scheduling.executeInTurn(
    jobOf("run-9"),
    "token",
    { id: "run-9", sessionId: "s-later", workspaceId: "w", turn: 2, earlierRunActive: true },
    async () => {
      throw new Error("an earlier run is active");
    },
  );
  await expect(waiting).rejects.toBeInstanceOf(DelayedError);
  expect(woken).toEqual([]);
  const earlier = await leases.acquire("s-later", "run-earlier");
  expect(await earlier!.release()).toBe(1);
});
