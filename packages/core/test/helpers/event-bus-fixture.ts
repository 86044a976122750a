/** An event log and fan-out on the real Redis under a prefix of their own, ids reserved in a database of their own, and their cleanup. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, type TestDatabase } from "@mix/testing";
import { PostgresEventIds, type EventIdReserver } from "../../src/events/event-ids";
import { EventFanout } from "../../src/events/event-fanout";
import { EventLog } from "../../src/events/event-log";
import { createLogger } from "../../src/logging/logger";
import { testRedis, testRedisKeys } from "./test-redis-client";

export function createEventBusFixture(label: string) {
  const prefix = testRedisPrefix(label);
  const keys = testRedisKeys(prefix);
  const redis = testRedis();
  const subscriber = testRedis();
  // The database is made on the first reservation, so the fixture can be built at import time.
  let database: Promise<{ db: TestDatabase; prisma: PrismaClient; ids: PostgresEventIds }> | undefined;
  const opened = () =>
    (database ??= createTestDatabase(label).then((db) => {
      const prisma = createPrismaClient({ url: db.url, poolSize: 2 });
      return { db, prisma, ids: new PostgresEventIds(prisma) };
    }));
  const ids: EventIdReserver = { reserve: async (...args) => (await opened()).ids.reserve(...args) };
  return {
    keys,
    redis,
    subscriber,
    log: new EventLog(redis, keys, { maxLen: 100, ttlSeconds: 120, ids }),
    fanout: new EventFanout(subscriber, keys, createLogger("test", "silent")),
    /** The fixture's database, for tests that need real sessions behind the ids. */
    prisma: async () => (await opened()).prisma,
    async close() {
      await deleteRedisPrefix(prefix);
      redis.disconnect();
      subscriber.disconnect();
      if (database) {
        const { db, prisma } = await database;
        await prisma.$disconnect();
        await db.drop();
      }
    },
  };
}
