/**
 * What a stream gateway stands on, and nothing more: the stores one SSE stream needs (who holds
 * the key, the session's workspace, the event log and its live fan-out, the per-key stream cap,
 * what waits for an answer). A process that only serves streams builds this instead of
 * createInfrastructure, so it never loads the queues, the models or the file parsers: its
 * baseline memory is what 10,000 idle streams are added to.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { AuditLog } from "../audit/audit-log";
import { ApiKeyRevocations } from "../auth/api-key-revocations";
import { ApiKeyService } from "../auth/api-keys";
import { StreamTokens } from "../auth/stream-tokens";
import { mapWorkspaceGone } from "../auth/workspace-gone";
import { ConfigError, type Config } from "../config/config";
import { redisSettingsProblem } from "../config/redis-settings";
import { notFound } from "../errors/app-error";
import { EventFanout } from "../events/event-fanout";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { NotificationsService } from "../notifications/notifications.service";
import { StreamSlots, streamSlotTtlMs } from "../rate-limit/stream-slots";
import { createRedis, createSubscriber, type RedisClient } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import { countPrismaErrors } from "./prisma-errors";

export interface StreamInfrastructure {
  readonly config: Config;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  readonly redis: RedisClient;
  readonly events: EventLog;
  readonly fanout: EventFanout;
  readonly apiKeys: ApiKeyService;
  readonly streamTokens: StreamTokens;
  readonly streamSlots: StreamSlots;
  readonly notifications: NotificationsService;
  /** Resolves when the session is the workspace's; another workspace's id is a 404 like a missing one. */
  requireSession(workspaceId: string, sessionId: string): Promise<void>;
  close(): Promise<void>;
}

/** Streams hold few queries at once (a key lookup, a session check): a small pool is enough. */
const STREAM_POOL_SIZE = 4;

export function createStreamInfrastructure(config: Config, logger: Logger): StreamInfrastructure {
  const redisProblem = redisSettingsProblem(config);
  if (redisProblem) throw new ConfigError(`Invalid configuration:\n  ${redisProblem}`);
  const prisma = mapWorkspaceGone(countPrismaErrors(createPrismaClient({ url: config.DATABASE_URL, poolSize: Math.min(STREAM_POOL_SIZE, config.DATABASE_POOL_SIZE) })));
  const keys = new RedisKeys(config.REDIS_PREFIX, { cluster: config.REDIS_CLUSTER_NODES !== undefined });
  const redis = createRedis(config, {}, logger);
  const subscriber = createSubscriber(config, logger);
  const audit = new AuditLog(prisma);
  const apiKeys = new ApiKeyService(prisma, new ApiKeyRevocations(redis, subscriber, keys, logger), { audit, logger });
  return {
    config,
    logger,
    prisma,
    redis,
    events: new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: new PostgresEventIds(prisma) }),
    fanout: new EventFanout(subscriber, keys, logger),
    apiKeys,
    streamTokens: new StreamTokens(redis, keys, apiKeys, config.STREAM_TOKEN_TTL_MS),
    streamSlots: new StreamSlots(redis, keys, { limit: config.SSE_MAX_STREAMS_PER_KEY, ttlMs: streamSlotTtlMs(config.SSE_HEARTBEAT_MS) }),
    notifications: new NotificationsService({ redis, keys, audit }),
    async requireSession(workspaceId, sessionId) {
      const session = await prisma.session.findFirst({ where: { id: sessionId, workspaceId }, select: { id: true } });
      if (!session) throw notFound("Session");
    },
    async close() {
      await Promise.all([prisma.$disconnect(), redis.quit(), subscriber.quit()]);
    },
  };
}
