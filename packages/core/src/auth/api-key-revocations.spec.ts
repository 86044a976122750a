/**
 * API key caching across processes, against a real Postgres and Redis: a revocation announced
 * by one process empties the others' caches, and a process that cannot hear announcements
 * (its subscriber connection is down) stops trusting its cache until it hears them again.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, waitFor, type TestDatabase } from "@mix/testing";
import { ApiKeyRevocations } from "./api-key-revocations";
import { ApiKeyService } from "./api-keys";
import { createLogger } from "../logging/logger";
import type { RedisClient } from "../redis/connection";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("apikey-revocations");
const keys = testRedisKeys(prefix);
const logger = createLogger("test", "silent");
const connections: RedisClient[] = [];
let database: TestDatabase;
let prisma: PrismaClient;

/** One process's key service, with its own publisher and subscriber connections. */
function processKeys() {
  const publisher = testRedis();
  const subscriber = testRedis();
  connections.push(publisher, subscriber);
  const revocations = new ApiKeyRevocations(publisher, subscriber, keys, logger);
  return { service: new ApiKeyService(prisma, revocations), revocations, subscriber };
}

beforeAll(async () => {
  database = await createTestDatabase("apikeyrevoke");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await prisma?.$disconnect();
  await database?.drop();
  await deleteRedisPrefix(prefix);
});

const listening = (revocations: ApiKeyRevocations) => waitFor(() => revocations.listening, { timeoutMs: 5_000, what: "the revocations subscription" });
/** Revoked in the database only: what a process notices only if it does not answer from its cache. */
const revokeSilently = (apiKeyId: string) => prisma.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });

it("drops a key revoked by another process at once, and keeps the others", async () => {
  const [a, b] = [processKeys(), processKeys()];
  await Promise.all([listening(a.revocations), listening(b.revocations)]);
  const revoked = await a.service.createWorkspace("revoked");
  const kept = await a.service.createWorkspace("kept");
  const principal = (await b.service.authenticate(revoked.apiKey))!;
  expect(await b.service.authenticate(kept.apiKey)).not.toBeNull();

  await a.service.revokeKey(principal.apiKeyId);
  await waitFor(async () => (await b.service.authenticate(revoked.apiKey)) === null, { timeoutMs: 1_000, intervalMs: 5, what: "b to drop the key" });
  // The kept key is still answered from b's cache: revoked silently, b does not notice.
  await revokeSilently((await b.service.authenticate(kept.apiKey))!.apiKeyId);
  expect(await b.service.authenticate(kept.apiKey)).not.toBeNull();
});

it("tells a process's open requests that their key died", async () => {
  const [a, b] = [processKeys(), processKeys()];
  await Promise.all([listening(a.revocations), listening(b.revocations)]);
  const { apiKey, workspaceId } = await a.service.createWorkspace("watched");
  const principal = (await b.service.authenticate(apiKey))!;
  const told: string[] = [];
  b.service.onRevoked(principal, () => told.push("revoked"));
  const stop = b.service.onRevoked(principal, () => told.push("stopped watching, never told"));
  stop();
  await a.service.deleteWorkspace(workspaceId);
  await waitFor(() => told.length > 0, { timeoutMs: 1_000, intervalMs: 5, what: "the watcher to be told" });
  expect(told).toEqual(["revoked"]);
  expect(await prisma.workspace.count({ where: { id: workspaceId } })).toBe(0);
});

it("does not trust its cache while its subscriber is down, and caches again once it is back", async () => {
  const { service, revocations, subscriber } = processKeys();
  await listening(revocations);
  const first = await service.createWorkspace("while-down");
  const principal = (await service.authenticate(first.apiKey))!;

  subscriber.disconnect();
  await waitFor(() => !revocations.listening, { timeoutMs: 5_000, what: "the subscription to be lost" });
  await revokeSilently(principal.apiKeyId);
  expect(await service.authenticate(first.apiKey)).toBeNull();

  await subscriber.connect();
  await listening(revocations);
  const second = await service.createWorkspace("after-reconnect");
  const again = (await service.authenticate(second.apiKey))!;
  await revokeSilently(again.apiKeyId);
  expect(await service.authenticate(second.apiKey)).toEqual(again);
});

it("caches nothing without a revocation feed (one-shot tools)", async () => {
  const service = new ApiKeyService(prisma);
  const { apiKey } = await service.createWorkspace("no-feed");
  const principal = (await service.authenticate(apiKey))!;
  await revokeSilently(principal.apiKeyId);
  expect(await service.authenticate(apiKey)).toBeNull();
});
