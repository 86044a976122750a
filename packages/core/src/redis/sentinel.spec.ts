/**
 * The product behind Redis Sentinel (a master, a replica, one sentinel of its own): every
 * connection goes to the master the sentinel names, and after a failover commands, the run queue
 * and live events carry on against the new master, the listeners told to catch up.
 */
import { startOwnRedisSentinel, testRedisPrefix, waitFor, type OwnRedisSentinel } from "@mix/testing";
import { Redis } from "ioredis";
import { ConfigError, loadConfig } from "../config/config";
import type { LoggedEvent } from "../contracts";
import { EventLog } from "../events/event-log";
import { createInfrastructure, type Infrastructure } from "../infrastructure/infrastructure";
import { createLogger } from "../logging/logger";

const prefix = testRedisPrefix("sentinel");
const logger = createLogger("sentinel-test", "silent");
let sentinel: OwnRedisSentinel;
let infrastructure: Infrastructure;
let events: EventLog;

beforeAll(async () => {
  sentinel = await startOwnRedisSentinel();
  const config = loadConfig({
    DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused",
    REDIS_SENTINELS: sentinel.sentinels,
    REDIS_SENTINEL_MASTER: sentinel.master,
    REDIS_PREFIX: prefix,
  });
  infrastructure = createInfrastructure(config, logger, { fileOwner: null });
  events = new EventLog(infrastructure.redis, infrastructure.keys, {
    maxLen: 100,
    ttlSeconds: 60,
    ids: { reserve: async (_, count, atLeast) => atLeast + count },
  });
}, 30_000);

afterAll(async () => {
  await infrastructure?.close();
  await sentinel?.close();
});

const port = (connection: unknown) => (connection as Redis).stream?.remotePort;

it("refuses a deployment that names both a cluster and sentinels", () => {
  const config = loadConfig({ DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused", REDIS_SENTINELS: "127.0.0.1:1", REDIS_CLUSTER_NODES: "127.0.0.1:2" });
  expect(() => createInfrastructure(config, logger, { fileOwner: null })).toThrow(ConfigError);
  expect(() => createInfrastructure(config, logger, { fileOwner: null })).toThrow(/REDIS_CLUSTER_NODES and REDIS_SENTINELS/);
});

it("connects to the master the sentinel names, and carries on against the new one after a failover", async () => {
  const { redis, subscriber, keys, queue, fanout } = infrastructure;
  await redis.set(`${prefix}:before`, "1");
  const first = await sentinel.masterPort();
  expect(port(redis)).toBe(first);
  const live: LoggedEvent[] = [];
  let resyncs = 0;
  const stop = await fanout.subscribe("s1", { event: (event) => live.push(event), resync: () => resyncs++ });
  const before = await events.append("s1", "thinking", { type: "thinking", content: "before" });
  await waitFor(() => live.length === 1, { what: "the event before the failover" });
  expect(live).toEqual([before]);

  // Replication is asynchronous: what the replica has not received yet is lost with the old master.
  expect(await (redis as Redis).wait(1, 5_000)).toBe(1);
  await sentinel.failover();
  const second = await sentinel.masterPort();
  // The old master is now a replica: writes go where the sentinel points, once ioredis asked it again.
  await waitFor(
    async () =>
      await redis.set(`${prefix}:after`, "2").then(
        () => port(redis) === second,
        () => false,
      ),
    { timeoutMs: 20_000, what: "a write to the new master" },
  );
  await waitFor(() => resyncs >= 1 && port(subscriber) === second, {
    timeoutMs: 20_000,
    what: "the subscriber on the new master, the listener told to catch up",
  });
  expect(await redis.get(`${prefix}:before`)).toBe("1");
  const after = await events.append("s1", "thinking", { type: "thinking", content: "after" });
  await waitFor(() => live.some((event) => event.id === after.id), { what: "the event after the failover" });
  await queue.enqueue({ runId: "run-1", sessionId: "s1", workspaceId: "ws-1" });
  expect(await queue.has("run-1")).toBe(true);
  expect(keys.queuePrefix()).toBe(`${prefix}:bull`);
  stop();
}, 60_000);
