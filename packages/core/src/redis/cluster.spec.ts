/**
 * The product on a Redis Cluster of its own (three masters): REDIS_CLUSTER_NODES builds cluster
 * clients for every connection, a session's events are replayed and delivered live whichever
 * master holds its slot, BullMQ's keys all land in one slot, and the scripts and transactions
 * keep their keys in one slot (Redis refuses one that does not: CROSSSLOT).
 */
import { startOwnRedisCluster, testRedisPrefix, deleteRedisPrefix, waitFor, type OwnRedisCluster } from "@mix/testing";
import { Cluster, type Redis } from "ioredis";
import { loadConfig } from "../config/config";
import type { LoggedEvent } from "../contracts";
import { EventLog } from "../events/event-log";
import { createInfrastructure, type Infrastructure } from "../infrastructure/infrastructure";
import { createLogger } from "../logging/logger";
import { StreamSlots } from "../rate-limit/stream-slots";
import { TokenBucket } from "../rate-limit/token-bucket";
import { RunLeases } from "../runs/run-lease";
import { WorkspaceSlots } from "../runs/workspace-slots";
import { UserRequestStore } from "../user-requests/user-request-store";
import { masters } from "./connection";
import { RedisKeys, runQueueKeys } from "./keys";

const prefix = testRedisPrefix("cluster");
const logger = createLogger("cluster-test", "silent");
let cluster: OwnRedisCluster;
let infrastructure: Infrastructure;
let redis: Cluster;

beforeAll(async () => {
  cluster = await startOwnRedisCluster();
  const config = loadConfig({ DATABASE_URL: "postgresql://unused@127.0.0.1:5432/unused", REDIS_CLUSTER_NODES: cluster.nodes, REDIS_PREFIX: prefix });
  infrastructure = createInfrastructure(config, logger, { fileOwner: null });
  redis = infrastructure.redis as Cluster;
  await redis.ping();
}, 30_000);

afterAll(async () => {
  await infrastructure?.close();
  await cluster?.close();
});

const eventLog = () =>
  new EventLog(infrastructure.redis, infrastructure.keys, {
    maxLen: 100,
    ttlSeconds: 60,
    ids: { reserve: async (_, count, atLeast) => atLeast + count },
  });

/** The master (host:port) that serves a key's slot. */
async function nodeOf(key: string): Promise<string> {
  const slot = Number(await redis.call("CLUSTER", "KEYSLOT", key));
  return redis.slots[slot]![0]!;
}

it("builds cluster clients for commands and BullMQ, a subscriber on a node, and tags BullMQ's prefix (one server keeps its names)", () => {
  for (const connection of [infrastructure.redis, infrastructure.queueConnection, infrastructure.workerConnection()]) {
    expect(connection).toBeInstanceOf(Cluster);
  }
  // The subscriber is a connection to one node, which hears every channel (see createSubscriber).
  expect(cluster.ports).toContain((infrastructure.subscriber as Redis).options.port);
  expect(infrastructure.keys.queuePrefix()).toBe(`{${prefix}}:bull`);
  expect(new RedisKeys(prefix).queuePrefix()).toBe(`${prefix}:bull`);
});

it("replays and delivers live the events of sessions whose slots sit on each master", async () => {
  const sessions = new Map<string, string>();
  for (let i = 0; sessions.size < cluster.ports.length; i++) {
    const node = await nodeOf(infrastructure.keys.eventLog(`session-${i}`));
    if (![...sessions.values()].includes(node)) sessions.set(`session-${i}`, node);
  }
  const events = eventLog();
  for (const sessionId of sessions.keys()) {
    const live: LoggedEvent[] = [];
    const stop = await infrastructure.fanout.subscribe(sessionId, (event) => live.push(event));
    const appended = await events.append(sessionId, "thinking", { type: "thinking", content: `on ${sessions.get(sessionId)}` });
    await waitFor(() => live.length === 1, { what: `the live event of ${sessionId}` });
    expect(live[0]).toEqual(appended);
    expect(await events.readAfter(sessionId, 0)).toEqual([appended]);
    stop();
  }
});

it("tells the listeners to catch up when the subscriber's node connection is lost, and delivers again", async () => {
  const live: LoggedEvent[] = [];
  let resyncs = 0;
  const stop = await infrastructure.fanout.subscribe("switch", { event: (event) => live.push(event), resync: () => resyncs++ });
  const subscriber = infrastructure.subscriber as Redis;
  const before = subscriber.options.port;
  for (const node of masters(redis)) await node.call("CLIENT", "KILL", "TYPE", "pubsub");
  await waitFor(() => resyncs === 1, { what: "the listener told to catch up" });
  expect(subscriber.options.port).not.toBe(before);
  const appended = await eventLog().append("switch", "thinking", { type: "thinking", content: "after the switch" });
  await waitFor(() => live.some((event) => event.id === appended.id), { what: "the event published after the switch" });
  stop();
});

it("keeps every key of the run queue in one slot", async () => {
  await infrastructure.queue.enqueue({ runId: "run-1", sessionId: "session-1", workspaceId: "ws-1" });
  await infrastructure.queue.enqueue({ runId: "run-2", sessionId: "session-2", workspaceId: "ws-2" });
  const queueKeys: string[] = [];
  for (const node of masters(redis)) {
    let cursor = "0";
    do {
      const [next, found] = await node.scan(cursor, "MATCH", `${infrastructure.keys.queuePrefix()}:*`, "COUNT", 1_000);
      cursor = next;
      queueKeys.push(...found);
    } while (cursor !== "0");
  }
  expect(queueKeys).toEqual(
    expect.arrayContaining([runQueueKeys(infrastructure.keys.queuePrefix()).workspacePending("ws-1"), expect.stringContaining(":agent-runs:run-1")]),
  );
  const slots = new Set(await Promise.all(queueKeys.map((key) => redis.call("CLUSTER", "KEYSLOT", key))));
  expect(slots.size).toBe(1);
});

it("runs every script and transaction of user requests, leases, slots and rate limits without CROSSSLOT", async () => {
  const { keys } = infrastructure;
  // What the check below stands for: a script whose keys sit in two slots is refused (by ioredis
  // when it sees them, else by Redis: CROSSSLOT). The settle script used to take these two keys.
  const crossSlot = /CROSSSLOT|should belong to the same slot/;
  await expect(
    redis.eval("return redis.call('ZREM', KEYS[2], ARGV[1])", 2, keys.userRequest("permission", "p1"), keys.pendingUserRequests("s1"), "x"),
  ).rejects.toThrow(crossSlot);

  const requests = new UserRequestStore(redis, keys);
  const owner = { workspaceId: "ws", sessionId: "s1", streamSessionId: "s1", runId: "r1", toolCallId: "t1" };
  await requests.create({ kind: "permission", id: "p1", owner, fields: { tool: "Bash" }, event: { type: "permission" }, ttlMs: 60_000, listed: true });
  await requests.listShown({ kind: "permission", id: "p1", streamSessionId: "s1" }, 7, 60_000);
  expect((await requests.pending("s1")).map((record) => record.id)).toEqual(["p1"]);
  expect(await requests.settle({ kind: "permission", id: "p1", streamSessionId: "s1" }, "granted", { decision: "once" })).toMatchObject({ settled: true });
  expect(await requests.pending("s1")).toEqual([]);
  expect(await redis.zcard(keys.pendingUserRequests("s1"))).toBe(0);

  const lease = await new RunLeases(redis, keys, 10_000).acquire("s1", "r1");
  expect(lease).not.toBeNull();
  await lease!.release();

  const slots = new WorkspaceSlots({ redis, keys, queue: { wakeWaiting: async () => "gone" }, caps: { of: async () => 1 }, ttlMs: 10_000, logger });
  const slot = await slots.take("ws", "r1", 1, 1);
  expect(slot).not.toBeNull();
  expect(await slots.take("ws", "r2", 1, 2)).toBeNull();
  await slot!.release();

  const buckets = new TokenBucket(redis, keys);
  const taken = await buckets.take("ws", [
    { scope: "key:k1", limit: 5, windowMs: 60_000 },
    { scope: "workspace", limit: 10, windowMs: 60_000 },
  ]);
  expect(taken).toMatchObject({ allowed: true, buckets: [{ remaining: 4 }, { remaining: 9 }] });

  const streams = new StreamSlots(redis, keys, { limit: 1, ttlMs: 10_000 });
  expect(await streams.acquire("k1", "c1")).toEqual({ acquired: true });
  expect(await streams.acquire("k1", "c2")).toMatchObject({ acquired: false });
});

it("finds and deletes a prefix's keys on every master", async () => {
  const counts = async () => (await Promise.all(masters(redis).map((node) => node.dbsize()))).filter((size) => size > 0).length;
  expect(await counts()).toBeGreaterThan(1);
  expect(await deleteRedisPrefix(prefix, undefined, cluster.nodes)).toBeGreaterThan(0);
  expect(await counts()).toBe(0);
});
