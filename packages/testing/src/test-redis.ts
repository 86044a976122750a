/**
 * A Redis key prefix of its own for each test file, the cleanup of everything under it, and the
 * connection tests build themselves: to REDIS_URL, or to the Redis Cluster of REDIS_CLUSTER_NODES
 * when the cluster pass (scripts/lib/cluster-pass.mjs) runs the same test files on one.
 */
import { randomBytes } from "node:crypto";
import { Cluster, Redis, type RedisOptions } from "ioredis";

export const TEST_REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** The cluster's seed nodes, host:port comma-separated; unset: every test talks to TEST_REDIS_URL. */
export const TEST_REDIS_CLUSTER_NODES = process.env.REDIS_CLUSTER_NODES || undefined;

/** What a test stack's configuration takes to reach the test Redis (a cluster when there is one). */
export function testRedisEnv(): Record<string, string> {
  return { REDIS_URL: TEST_REDIS_URL, ...(TEST_REDIS_CLUSTER_NODES ? { REDIS_CLUSTER_NODES: TEST_REDIS_CLUSTER_NODES } : {}) };
}

/** A connection to the test Redis: a plain one, or a cluster client on the cluster pass. */
export function createTestRedis(options: RedisOptions = {}, clusterNodes = TEST_REDIS_CLUSTER_NODES): Redis | Cluster {
  if (!clusterNodes) return new Redis(TEST_REDIS_URL, options);
  return new Cluster(parseNodes(clusterNodes), { scaleReads: "master", redisOptions: options });
}

export function testRedisPrefix(label = "t"): string {
  return `test:${label.replace(/[^A-Za-z0-9_-]/g, "")}:${randomBytes(4).toString("hex")}`;
}

/**
 * Deletes every key under the prefix. On a cluster each master is scanned (a SCAN sees one node's
 * keys) and keys are deleted one by one (a DEL of keys of several slots is refused), BullMQ's
 * tagged `{prefix}:bull` keys included.
 */
export async function deleteRedisPrefix(
  prefix: string,
  url = TEST_REDIS_URL,
  clusterNodes = url === TEST_REDIS_URL ? TEST_REDIS_CLUSTER_NODES : undefined,
): Promise<number> {
  if (!clusterNodes) {
    const redis = new Redis(url);
    try {
      return await deleteMatching(redis, [`${prefix}:*`], (keys) => redis.del(...keys));
    } finally {
      redis.disconnect();
    }
  }
  const cluster = new Cluster(parseNodes(clusterNodes));
  try {
    await new Promise<void>((resolve, reject) => {
      cluster.once("ready", resolve);
      cluster.once("error", reject);
    });
    const counts = await Promise.all(
      cluster
        .nodes("master")
        .map((node) =>
          deleteMatching(node, [`${prefix}:*`, `{${prefix}}:*`], async (keys) =>
            (await Promise.all(keys.map((key) => node.del(key)))).reduce((a, b) => a + b, 0),
          ),
        ),
    );
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    cluster.disconnect();
  }
}

async function deleteMatching(redis: Redis, patterns: string[], del: (keys: string[]) => Promise<number>): Promise<number> {
  let deleted = 0;
  for (const pattern of patterns) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1_000);
      cursor = next;
      if (keys.length) deleted += await del(keys);
    } while (cursor !== "0");
  }
  return deleted;
}

function parseNodes(list: string): { host: string; port: number }[] {
  return list
    .split(",")
    .map((entry) => entry.trim().replace(/^rediss?:\/\//, ""))
    .filter(Boolean)
    .map((entry) => {
      const at = entry.lastIndexOf(":");
      return { host: entry.slice(0, at), port: Number(entry.slice(at + 1)) };
    });
}
