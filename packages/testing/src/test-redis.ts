/** A Redis key prefix of its own for each test file, and the cleanup of everything under it. */
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export function testRedisPrefix(label = "t"): string {
  return `test:${label.replace(/[^A-Za-z0-9_-]/g, "")}:${randomBytes(4).toString("hex")}`;
}

export async function deleteRedisPrefix(prefix: string, url = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(url);
  let deleted = 0;
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1_000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
  return deleted;
}
