/**
 * What a stream gateway stands on, and nothing more: the stores one SSE stream needs (who holds
 * the key, the session's workspace, the event log and its live fan-out, the per-key stream cap,
 * what waits for an answer). A process that only serves streams builds this instead of
 * createInfrastructure, so it never loads the queues, the models, the file parsers or Prisma
 * (its few reads are plain SQL on a small pg pool): its baseline memory is what 10,000 idle
 * streams are added to.
 */
import { createPgPool, type Pool } from "@mix/db/pool";
import { ApiKeyRevocations } from "../auth/api-key-revocations";
import { KeyAuthenticator } from "../auth/key-authenticator";
import { pgApiKeyRecords, type SqlQuery } from "../auth/pg-api-key-records";
import { StreamTokens } from "../auth/stream-tokens";
import { ConfigError, type Config } from "../config/config";
import { redisSettingsProblem } from "../config/redis-settings";
import { notFound } from "../errors/app-error";
import { EventFanout } from "../events/event-fanout";
import type { EventIdReserver } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { countPostgresError } from "../metrics/record";
import { NotificationsService } from "../notifications/notifications.service";
import { StreamSlots, streamSlotTtlMs } from "../rate-limit/stream-slots";
import { createRedis, createSubscriber, type RedisClient } from "../redis/connection";
import { RedisKeys } from "../redis/keys";

export interface StreamInfrastructure {
  readonly config: Config;
  readonly logger: Logger;
  readonly redis: RedisClient;
  readonly events: EventLog;
  readonly fanout: EventFanout;
  /** The key check of every request, read through the pool (no key writes here but last use). */
  readonly apiKeys: KeyAuthenticator;
  readonly streamTokens: StreamTokens;
  readonly streamSlots: StreamSlots;
  readonly notifications: NotificationsService;
  /** Resolves when the session is the workspace's; another workspace's id is a 404 like a missing one. */
  requireSession(workspaceId: string, sessionId: string): Promise<void>;
  /** Resolves when Postgres and Redis both answer (the readiness probe). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Streams hold few queries at once (a key lookup, a session check): a small pool is enough. */
const STREAM_POOL_SIZE = 4;

/** A gateway reads the event log and appends nothing: an append would be a bug, said loudly. */
const NO_APPENDS: EventIdReserver = {
  reserve: () => Promise.reject(new Error("the stream gateway appends no events")),
};

/** The pool's queries, each failure counted in mix_postgres_errors_total before it is rethrown (as Prisma's are). */
function countedQueries(pool: Pool, logger: Logger): SqlQuery {
  // An idle connection's error (Postgres restarted) is the pool's to report: unheard, it would end the process.
  pool.on("error", (error) => {
    countPostgresError(error);
    logger.warn({ err: error }, "an idle Postgres connection failed; the pool replaces it");
  });
  return {
    query: <R extends object>(text: string, values: unknown[]) =>
      pool.query<R & Record<string, unknown>>(text, values).catch((error: unknown) => {
        countPostgresError(error);
        throw error;
      }),
  };
}

export function createStreamInfrastructure(config: Config, logger: Logger): StreamInfrastructure {
  const redisProblem = redisSettingsProblem(config);
  if (redisProblem) throw new ConfigError(`Invalid configuration:\n  ${redisProblem}`);
  const pool = createPgPool({ url: config.DATABASE_URL, poolSize: Math.min(STREAM_POOL_SIZE, config.DATABASE_POOL_SIZE) });
  const sql = countedQueries(pool, logger);
  const keys = new RedisKeys(config.REDIS_PREFIX, { cluster: config.REDIS_CLUSTER_NODES !== undefined });
  const redis = createRedis(config, {}, logger);
  const subscriber = createSubscriber(config, logger);
  const apiKeys = new KeyAuthenticator(pgApiKeyRecords(sql), new ApiKeyRevocations(redis, subscriber, keys, logger), { logger });
  return {
    config,
    logger,
    redis,
    events: new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: NO_APPENDS }),
    fanout: new EventFanout(subscriber, keys, logger),
    apiKeys,
    streamTokens: new StreamTokens(redis, keys, apiKeys, config.STREAM_TOKEN_TTL_MS),
    streamSlots: new StreamSlots(redis, keys, { limit: config.SSE_MAX_STREAMS_PER_KEY, ttlMs: streamSlotTtlMs(config.SSE_HEARTBEAT_MS) }),
    notifications: new NotificationsService({ redis, keys }),
    async requireSession(workspaceId, sessionId) {
      const found = await sql.query(`SELECT 1 FROM "Session" WHERE id = $1 AND "workspaceId" = $2`, [sessionId, workspaceId]);
      if (found.rowCount === 0) throw notFound("Session");
    },
    async ping() {
      await Promise.all([redis.ping(), sql.query("SELECT 1", [])]);
    },
    async close() {
      await Promise.all([pool.end(), redis.quit(), subscriber.quit()]);
    },
  };
}
