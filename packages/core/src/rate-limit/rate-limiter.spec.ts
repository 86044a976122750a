/** The rate limiter against a real Redis: the limit, the shared count, the window's end. */
import { Redis } from "ioredis";
import { deleteRedisPrefix, testRedisPrefix, TEST_REDIS_URL, waitFor } from "@mix/testing";
import { RedisKeys } from "../redis/keys";
import { RateLimiter, rateLimitExceeded } from "./rate-limiter";

const prefix = testRedisPrefix("ratelimit");
const keys = new RedisKeys(prefix);
const connections = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];

afterAll(async () => {
  await deleteRedisPrefix(prefix);
  for (const connection of connections) connection.disconnect();
});

const limiters = (options: { limit: number; windowMs: number }) => connections.map((redis) => new RateLimiter(redis, keys, options));

it("allows the limit, then refuses with the seconds left in the window", async () => {
  const [limiter] = limiters({ limit: 3, windowMs: 60_000 });
  const results = [];
  for (let i = 0; i < 4; i++) results.push(await limiter!.hit("key-a"));
  expect(results.map((result) => [result.allowed, result.remaining])).toEqual([
    [true, 2],
    [true, 1],
    [true, 0],
    [false, 0],
  ]);
  expect(results[3]!.retryAfterSeconds).toBeGreaterThanOrEqual(59);
  expect(results[3]!.retryAfterSeconds).toBeLessThanOrEqual(60);
  // Another caller has its own count.
  expect((await limiter!.hit("key-b")).allowed).toBe(true);
});

it("shares one count between limiters on different connections (API instances)", async () => {
  const [first, second] = limiters({ limit: 2, windowMs: 60_000 });
  expect((await first!.hit("shared")).allowed).toBe(true);
  expect((await second!.hit("shared")).allowed).toBe(true);
  expect((await first!.hit("shared")).allowed).toBe(false);
  expect((await second!.hit("shared")).allowed).toBe(false);
});

it("allows again once the window has passed", async () => {
  const [limiter] = limiters({ limit: 1, windowMs: 300 });
  expect((await limiter!.hit("short")).allowed).toBe(true);
  const refused = await limiter!.hit("short");
  expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  await waitFor(async () => (await limiter!.hit("short")).allowed, { timeoutMs: 3_000, intervalMs: 100, what: "a new window" });
});

it("describes the refusal as a 429 in the contract's shape", () => {
  const error = rateLimitExceeded({ allowed: false, limit: 3, remaining: 0, retryAfterSeconds: 42 }, 60_000);
  expect(error).toMatchObject({ status: 429, type: "bad_request" });
  expect(error.message).toBe("Rate limit exceeded: at most 3 requests per minute per API key; retry after 42 s");
});
