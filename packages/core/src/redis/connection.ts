/** ioredis connections. Subscribers and BullMQ workers need their own connection each. */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "../logging/logger";
import { countRedisError } from "../metrics/record";

// While Redis is down a connection fails on every reconnect attempt; one line per this long is enough.
const ERROR_LOG_EVERY_MS = 10_000;

export function createRedis(url: string, options: RedisOptions = {}, logger?: Logger): Redis {
  return logged(new Redis(url, { lazyConnect: false, enableAutoPipelining: true, ...options }), logger);
}

/** BullMQ requires blocking connections never to give up on a command. */
export function createBullConnection(url: string, logger?: Logger): Redis {
  return logged(new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: false }), logger);
}

/**
 * Connection errors go to the logger, at most one line per ERROR_LOG_EVERY_MS per connection;
 * without a listener ioredis prints each one to the console as an "Unhandled error event".
 */
function logged(redis: Redis, logger: Logger | undefined): Redis {
  if (!logger) return redis;
  let loggedAt = 0;
  redis.on("error", (error: Error) => {
    countRedisError();
    if (Date.now() - loggedAt < ERROR_LOG_EVERY_MS) return;
    loggedAt = Date.now();
    logger.warn({ err: error }, "Redis connection error; ioredis keeps reconnecting");
  });
  return redis;
}

/**
 * Whether an error means Redis could not be reached (down, restarting, failing over), as
 * opposed to a failure of the work itself: a run stopped by it is resumed, not failed.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === "MaxRetriesPerRequestError") return true;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|connect ETIMEDOUT/.test(error.message);
}
