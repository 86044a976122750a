/** The per-session run lease against a real Redis. */
import { deleteRedisPrefix, testRedisPrefix, waitFor } from "@mix/testing";
import { RunLeases } from "./run-lease";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("lease");
const redis = testRedis();
const keys = testRedisKeys(prefix);

afterAll(async () => {
  await deleteRedisPrefix(prefix);
  redis.disconnect();
});

it("lets one run hold a session at a time, and the next take it after release", async () => {
  const leases = new RunLeases(redis, keys, 5_000);
  const first = await leases.acquire("s", "run-1");
  expect(first).not.toBeNull();
  expect(await leases.acquire("s", "run-2")).toBeNull();
  expect(await leases.acquire("other", "run-3")).not.toBeNull();
  await first!.release();
  const second = await leases.acquire("s", "run-2");
  expect(second).not.toBeNull();
  await second!.release();
});

it("keeps a live lease renewed past its ttl", async () => {
  const leases = new RunLeases(redis, keys, 1_000);
  const lease = await leases.acquire("renewed", "run-1");
  // What is tested is time itself: 1.5 ttl later the lease must still be held.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  expect(await leases.acquire("renewed", "run-2")).toBeNull();
  expect(lease!.lost.aborted).toBe(false);
  await lease!.release();
});

it("frees the session when the holder stops renewing, and tells a holder that lost it", async () => {
  const leases = new RunLeases(redis, keys, 1_000);
  const lease = await leases.acquire("taken", "run-1");
  // Simulate an expired lease taken over by another worker.
  await redis.set(keys.runLease("taken"), "run-2:other-worker");
  await waitFor(() => lease!.lost.aborted, { timeoutMs: 3_000, what: "the lease to be reported lost" });
  // Releasing a lease we no longer hold must not free the new holder's.
  await lease!.release();
  expect(await redis.get(keys.runLease("taken"))).toBe("run-2:other-worker");
});

it("counts the runs listed as waiting for the session at its release, each run's own listing ending with its own release", async () => {
  const leases = new RunLeases(redis, keys, 5_000);
  const holder = await leases.acquire("waited", "run-1");
  expect(await leases.markWaiting("waited", "run-2")).toBe(true);
  expect(await leases.markWaiting("waited", "run-3")).toBe(true);
  expect(await holder!.release()).toBe(2);
  // Free now: a run listing itself is told no release is coming.
  expect(await leases.markWaiting("waited", "run-2")).toBe(false);
  const second = await leases.acquire("waited", "run-2");
  expect(await second!.release()).toBe(1);
  const third = await leases.acquire("waited", "run-3");
  expect(await third!.release()).toBe(0);
});

it("lets a listing left by a run that went away lapse", async () => {
  const leases = new RunLeases(redis, keys, 5_000);
  await leases.markWaiting("lapsed", "run-gone", 50);
  await waitFor(async () => (await redis.exists(keys.runsWaiting("lapsed"))) === 0, { timeoutMs: 3_000, what: "the listing to lapse" });
  const lease = await leases.acquire("lapsed", "run-1");
  expect(await lease!.release()).toBe(0);
});
