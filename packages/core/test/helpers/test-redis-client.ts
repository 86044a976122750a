/**
 * The connections and keys a core spec builds itself, on the test Redis: REDIS_URL, or the Redis
 * Cluster of REDIS_CLUSTER_NODES on the cluster pass (scripts/lib/cluster-pass.mjs), built the
 * way the product builds them (redis/connection.ts) so a spec exercises what production runs.
 */
import { TEST_REDIS_CLUSTER_NODES, TEST_REDIS_URL } from "@mix/testing";
import { parseRedisClusterNodes } from "../../src/config/redis-settings";
import { createBullConnection, createRedis, type RedisClient, type RedisTarget } from "../../src/redis/connection";
import { RedisKeys } from "../../src/redis/keys";

function target(): RedisTarget {
  if (!TEST_REDIS_CLUSTER_NODES) return { REDIS_URL: TEST_REDIS_URL };
  const parsed = parseRedisClusterNodes(TEST_REDIS_CLUSTER_NODES);
  if ("error" in parsed) throw new Error(`REDIS_CLUSTER_NODES ${parsed.error}`);
  return { REDIS_URL: TEST_REDIS_URL, REDIS_CLUSTER_NODES: parsed };
}

export const TEST_REDIS_TARGET = target();

/** A command (or subscriber) connection to the test Redis. */
export const testRedis = (): RedisClient => createRedis(TEST_REDIS_TARGET);

/** A BullMQ connection to the test Redis. */
export const testBullConnection = (): RedisClient => createBullConnection(TEST_REDIS_TARGET);

/** The keys of a prefix, tagged for a cluster on the cluster pass (BullMQ's prefix). */
export const testRedisKeys = (prefix: string): RedisKeys => new RedisKeys(prefix, { cluster: TEST_REDIS_TARGET.REDIS_CLUSTER_NODES !== undefined });
