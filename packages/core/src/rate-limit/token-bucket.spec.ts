/** The token bucket's script against a real Redis: burst, refusal, refill by elapsed time, all-or-none, shared state, expiry. */
import { deleteRedisPrefix, testRedisPrefix, waitFor } from "@mix/testing";
import { TokenBucket, type Bucket } from "./token-bucket";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("tokenbucket");
const keys = testRedisKeys(prefix);
const connections = [testRedis(), testRedis()];

afterAll(async () => {
  await deleteRedisPrefix(prefix);
  for (const connection of connections) connection.disconnect();
});

/** A clock the test moves by hand, so no test waits for real time to refill a bucket. */
function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

let group = 0;
/** A group of its own per test: buckets never carry over between tests. */
const nextGroup = () => `g${++group}`;

const perMinute = (scope: string, limit: number, burst?: number): Bucket => ({ scope, limit, windowMs: 60_000, burst });

it("allows the burst, then refuses with the wait until the next token, and counts down what is left", async () => {
  const clock = manualClock();
  const bucket = new TokenBucket(connections[0]!, keys, { clock: clock.now });
  const g = nextGroup();
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await bucket.take(g, [perMinute("key", 3)]));
  expect(results.map((result) => [result.allowed, result.buckets[0]!.remaining])).toEqual([
    [true, 2],
    [true, 1],
    [true, 0],
    [false, 0],
  ]);
  // 3 a minute: one token every 20 s; the bucket is full again a minute after it was emptied.
  expect(results[3]).toMatchObject({ retryAfterSeconds: 20, buckets: [{ waitMs: 20_000, fullMs: 60_000 }] });
  expect(results[0]).toMatchObject({ retryAfterSeconds: 0 });
});

it("refills by the time that passed, one token per limit/window, never above the burst", async () => {
  const clock = manualClock();
  const bucket = new TokenBucket(connections[0]!, keys, { clock: clock.now });
  const g = nextGroup();
  const spec = perMinute("key", 6, 2);
  expect((await bucket.take(g, [spec])).allowed).toBe(true);
  expect((await bucket.take(g, [spec])).allowed).toBe(true);
  expect(await bucket.take(g, [spec])).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
  clock.advance(9_999);
  expect((await bucket.take(g, [spec])).allowed).toBe(false);
  clock.advance(1);
  expect(await bucket.take(g, [spec])).toMatchObject({ allowed: true, buckets: [{ remaining: 0 }] });
  // An hour idle refills to the burst (2), not to 360 tokens.
  clock.advance(3_600_000);
  const taken = [];
  for (let i = 0; i < 3; i++) taken.push((await bucket.take(g, [spec])).allowed);
  expect(taken).toEqual([true, true, false]);
});

it("takes from every bucket or from none: a refusal by one leaves the others' tokens", async () => {
  const clock = manualClock();
  const bucket = new TokenBucket(connections[0]!, keys, { clock: clock.now });
  const g = nextGroup();
  const key = perMinute("key", 10);
  const workspace = perMinute("workspace", 1);
  expect((await bucket.take(g, [key, workspace])).allowed).toBe(true);
  const refused = await bucket.take(g, [key, workspace]);
  expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 60 });
  expect(refused.buckets.map((state) => state.remaining)).toEqual([9, 0]);
  // The key's bucket lost nothing to the refusal: 9 tokens are still there.
  const keyOnly = [];
  for (let i = 0; i < 10; i++) keyOnly.push((await bucket.take(g, [key])).allowed);
  expect(keyOnly.filter(Boolean)).toHaveLength(9);
});

it("shares one bucket between instances on different connections", async () => {
  const clock = manualClock();
  const [first, second] = connections.map((redis) => new TokenBucket(redis, keys, { clock: clock.now }));
  const g = nextGroup();
  const spec = perMinute("shared", 2);
  expect((await first!.take(g, [spec])).allowed).toBe(true);
  expect((await second!.take(g, [spec])).allowed).toBe(true);
  expect((await first!.take(g, [spec])).allowed).toBe(false);
  expect((await second!.take(g, [spec])).allowed).toBe(false);
});

it("refills nothing when the clock goes back, and does not refill twice when it comes forward again", async () => {
  const clock = manualClock();
  const bucket = new TokenBucket(connections[0]!, keys, { clock: clock.now });
  const g = nextGroup();
  const spec = perMinute("key", 1);
  expect((await bucket.take(g, [spec])).allowed).toBe(true);
  clock.advance(-30_000);
  expect((await bucket.take(g, [spec])).allowed).toBe(false);
  clock.advance(60_000); // 30 s after the take: half a token
  expect((await bucket.take(g, [spec])).allowed).toBe(false);
  clock.advance(30_000);
  expect((await bucket.take(g, [spec])).allowed).toBe(true);
});

it("lets a bucket's key expire once it would be full again, so idle callers hold nothing in Redis", async () => {
  const clock = manualClock();
  const bucket = new TokenBucket(connections[0]!, keys, { clock: clock.now });
  const g = nextGroup();
  await bucket.take(g, [perMinute("idle", 60)]);
  // One token taken of 60 a minute: full again in 1 s, and the key lapses a second after that.
  const ttl = await connections[0]!.pttl(keys.rateLimit(`tb:{${g}}:idle`));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(2_000);
});

it("runs on Redis's own clock without an injected one", async () => {
  const bucket = new TokenBucket(connections[1]!, keys);
  const g = nextGroup();
  const spec: Bucket = { scope: "fast", limit: 1, windowMs: 200 };
  expect((await bucket.take(g, [spec])).allowed).toBe(true);
  expect(await bucket.take(g, [spec])).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  await waitFor(async () => (await bucket.take(g, [spec])).allowed, { timeoutMs: 3_000, intervalMs: 50, what: "the bucket to refill" });
  expect(bucket.connected).toBe(true);
});
