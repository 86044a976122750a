/** Everything an API process (or the MCP server) needs, wired once from the configuration. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import type { Redis } from "ioredis";
import type { Config } from "../config/config";
import { ApiKeyService } from "../auth/api-keys";
import { EventFanout } from "../events/event-fanout";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { MessagesService } from "../messages/messages.service";
import { createBullConnection, createRedis } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import { CancelService } from "../runs/cancel.service";
import { RunControl } from "../runs/run-control";
import { RunQueue } from "../runs/run-queue";
import { SessionsService } from "../sessions/sessions.service";

export interface ApiServices {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  keys: RedisKeys;
  events: EventLog;
  fanout: EventFanout;
  apiKeys: ApiKeyService;
  sessions: SessionsService;
  messages: MessagesService;
  cancel: CancelService;
  close(): Promise<void>;
}

export function createApiServices(config: Config, logger: Logger): ApiServices {
  const prisma = createPrismaClient({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const redis = createRedis(config.REDIS_URL);
  // One subscriber connection for every stream served by this process.
  const subscriber = createRedis(config.REDIS_URL);
  const queueConnection = createBullConnection(config.REDIS_URL);
  const events = new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS });
  const fanout = new EventFanout(subscriber, keys, logger);
  const queue = new RunQueue(queueConnection, keys.queuePrefix());
  const sessions = new SessionsService(prisma, events);

  return {
    config,
    prisma,
    redis,
    keys,
    events,
    fanout,
    apiKeys: new ApiKeyService(prisma),
    sessions,
    messages: new MessagesService(prisma, sessions, queue),
    cancel: new CancelService(prisma, sessions, new RunControl(redis, keys)),
    async close() {
      await queue.close();
      await Promise.all([prisma.$disconnect(), redis.quit(), subscriber.quit(), queueConnection.quit()]);
    },
  };
}
