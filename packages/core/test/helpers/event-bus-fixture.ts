/** An event log and fan-out on the real Redis under a prefix of their own, and their cleanup. */
import { Redis } from "ioredis";
import { deleteRedisPrefix, testRedisPrefix, TEST_REDIS_URL } from "@mix/testing";
import { EventFanout } from "../../src/events/event-fanout";
import { EventLog } from "../../src/events/event-log";
import { createLogger } from "../../src/logging/logger";
import { RedisKeys } from "../../src/redis/keys";

export function createEventBusFixture(label: string) {
  const prefix = testRedisPrefix(label);
  const keys = new RedisKeys(prefix);
  const redis = new Redis(TEST_REDIS_URL);
  const subscriber = new Redis(TEST_REDIS_URL);
  return {
    keys,
    redis,
    log: new EventLog(redis, keys, { maxLen: 100, ttlSeconds: 120 }),
    fanout: new EventFanout(subscriber, keys, createLogger("test", "silent")),
    async close() {
      await deleteRedisPrefix(prefix);
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}
