/**
 * ioredis connections: to the one server of REDIS_URL, to a Redis Cluster (REDIS_CLUSTER_NODES),
 * or to the master Redis Sentinel names (REDIS_SENTINELS). Subscribers and BullMQ workers need
 * their own connection each.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { RedisClusterNodes, RedisSentinels } from "../config/redis-settings";
import type { Logger } from "../logging/logger";
import { countRedisError } from "../metrics/record";

/**
 * A connection of the product: a single server or a cluster. Both speak the same commands
 * (ioredis types them alike); on a cluster every multi-key command, script and transaction must
 * keep its keys in one slot (see keys.ts).
 */
export type RedisClient = Redis | Cluster;

/** Where the connections go; the Config has these fields. */
export interface RedisTarget {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES?: RedisClusterNodes | undefined;
  REDIS_SENTINELS?: RedisSentinels | undefined;
  REDIS_SENTINEL_MASTER?: string | undefined;
}

// While Redis is down a connection fails on every reconnect attempt; one line per this long is enough.
const ERROR_LOG_EVERY_MS = 10_000;

/** A connection for commands (and pub/sub, given one of its own). A bare URL always means one server. */
export function createRedis(url: string, options?: RedisOptions, logger?: Logger): Redis;
export function createRedis(target: RedisTarget, options?: RedisOptions, logger?: Logger): RedisClient;
export function createRedis(target: string | RedisTarget, options: RedisOptions = {}, logger?: Logger): RedisClient {
  const cluster = typeof target === "string" ? undefined : target.REDIS_CLUSTER_NODES;
  if (cluster) return logged(new Cluster(cluster.nodes, clusterOptions(cluster, { enableAutoPipelining: true }, options)), logger);
  return logged(server(target, { lazyConnect: false, enableAutoPipelining: true, ...options }), logger);
}

/**
 * The process's subscriber connection. On a cluster it is a plain connection to one node: a
 * PUBLISH reaches every node of a cluster, so one node hears every channel. Unlike ioredis's
 * cluster subscriber, which moves to another node silently (what was published meanwhile is
 * lost unseen), it reports a lost connection as on one server, "close" then "ready", so the
 * listeners (event fan-out, key revocations) catch up; attempts in a row go round the seed nodes.
 */
export function createSubscriber(target: RedisTarget, logger?: Logger): RedisClient {
  const cluster = target.REDIS_CLUSTER_NODES;
  if (!cluster) return createRedis(target, {}, logger);
  const nodes = cluster.nodes;
  const options: RedisOptions = { ...clusterOptions(cluster, {}, {}).redisOptions, host: nodes[0]!.host, port: nodes[0]!.port };
  const subscriber = new Redis({
    ...options,
    retryStrategy(attempt) {
      // The connector reads these on each connect: attempt n goes to seed node n (mod their count).
      const next = nodes[attempt % nodes.length]!;
      subscriber.options.host = next.host;
      subscriber.options.port = next.port;
      return Math.min(attempt * 100, 2_000);
    },
  });
  return logged(subscriber, logger);
}

/** BullMQ requires blocking connections never to give up on a command. */
export function createBullConnection(url: string, logger?: Logger): Redis;
export function createBullConnection(target: RedisTarget, logger?: Logger): RedisClient;
export function createBullConnection(target: string | RedisTarget, logger?: Logger): RedisClient {
  const bull: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: false };
  const cluster = typeof target === "string" ? undefined : target.REDIS_CLUSTER_NODES;
  // BullMQ reads maxRetriesPerRequest from the cluster's redisOptions, the per-node options.
  if (cluster) return logged(new Cluster(cluster.nodes, clusterOptions(cluster, {}, bull)), logger);
  return logged(server(target, bull), logger);
}

/**
 * A connection to one server: REDIS_URL's, or the master the sentinels name (ioredis asks them
 * again after a failover). REDIS_URL still gives the master's credentials, database and TLS.
 */
function server(target: string | RedisTarget, options: RedisOptions): Redis {
  if (typeof target === "string") return new Redis(target, options);
  const sentinels = target.REDIS_SENTINELS;
  if (!sentinels) return new Redis(target.REDIS_URL, options);
  return new Redis(target.REDIS_URL, {
    ...options,
    sentinels: sentinels.nodes,
    name: target.REDIS_SENTINEL_MASTER ?? "mymaster",
    // A master demoted by a failover answers writes with READONLY: reconnect, asking the sentinels anew.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
    ...(sentinels.username ? { sentinelUsername: sentinels.username } : {}),
    ...(sentinels.password ? { sentinelPassword: sentinels.password } : {}),
    ...(sentinels.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
  });
}

/** Whether the connection is a cluster client (a SCAN, for one, must then visit every master). */
export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/** The connections to each master of a cluster, or the one server: where a SCAN must run to see every key. */
export function masters(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes("master") : [redis];
}

function clusterOptions(cluster: RedisClusterNodes, options: ClusterOptions, nodeOptions: RedisOptions): ClusterOptions {
  return {
    ...options,
    // Commands go to masters only: a replica may not have a write of this process yet.
    scaleReads: "master",
    redisOptions: {
      ...nodeOptions,
      ...(cluster.username ? { username: cluster.username } : {}),
      ...(cluster.password ? { password: cluster.password } : {}),
      ...(cluster.tls ? { tls: {} } : {}),
    },
  };
}

/**
 * Connection errors go to the logger, at most one line per ERROR_LOG_EVERY_MS per connection;
 * without a listener ioredis prints each one to the console as an "Unhandled error event".
 */
function logged<C extends RedisClient>(redis: C, logger: Logger | undefined): C {
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
  if (error.name === "MaxRetriesPerRequestError" || error.name === "ClusterAllFailedError") return true;
  return /Connection is closed|Stream isn't writeable|ECONNREFUSED|ECONNRESET|EPIPE|connect ETIMEDOUT|CLUSTERDOWN|TRYAGAIN|None of startup nodes is available|Failed to refresh slots cache|^READONLY|All sentinels are unreachable/.test(
    error.message,
  );
}
