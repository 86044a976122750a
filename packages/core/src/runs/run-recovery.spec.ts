/**
 * The recovery sweep on real Postgres and Redis: it finds active runs no worker holds and
 * re-enqueues them, ends cancelled ones, gives up on runs that keep dying, leaves alone what a
 * worker holds or what is still on its way to the queue, and runs on one worker at a time.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { Queue } from "bullmq";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, type TestDatabase } from "@mix/testing";
import { QueueName } from "../contracts";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import { createLogger } from "../logging/logger";
import { insertUserMessage } from "../messages/insert-user-message";
import { runQueueKeys } from "../redis/keys";
import { RunLeases } from "./run-lease";
import { RunQueue } from "../queues/run-queue";
import { RunRecovery } from "./run-recovery";
import { endCancelledUnheldRuns } from "./unheld-runs";
import { testBullConnection, testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("recovery-sweep");
const keys = testRedisKeys(prefix);
const redis = testRedis();
const connection = testBullConnection();
const queue = new RunQueue(connection, keys.queuePrefix());
const leases = new RunLeases(redis, keys, 10_000);
let database: TestDatabase;
let prisma: PrismaClient;
let events: EventLog;
let recovery: RunRecovery;

beforeAll(async () => {
  database = await createTestDatabase("recoverysweep");
  prisma = createPrismaClient({ url: database.url });
  events = new EventLog(redis, keys, { maxLen: 1_000, ttlSeconds: 600, ids: new PostgresEventIds(prisma) });
  recovery = new RunRecovery({
    prisma,
    redis,
    keys,
    queue,
    leases,
    events,
    logger: createLogger("test", "silent"),
    intervalMs: 60_000,
    enqueueGraceMs: 5_000,
    maxAttempts: 3,
  });
});
afterAll(async () => {
  await queue.close();
  await connection.quit();
  redis.disconnect();
  await prisma?.$disconnect();
  await deleteRedisPrefix(prefix);
  await database?.drop();
});

async function sessionWithRuns(...texts: string[]) {
  const workspace = await prisma.workspace.create({ data: { name: "w" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  const runIds: string[] = [];
  for (const text of texts)
    runIds.push(
      (await insertUserMessage(prisma, {
        workspaceId: workspace.id,
        sessionId: session.id,
        text,
        planMode: false,
        thinkingLevel: null,
        idempotencyKey: null,
      }))!,
    );
  // Older than the enqueue grace: their send is long over.
  await prisma.run.updateMany({ where: { id: { in: runIds } }, data: { createdAt: new Date(Date.now() - 60_000) } });
  return { workspaceId: workspace.id, sessionId: session.id, runIds };
}
const statusOf = async (runId: string) => (await prisma.run.findUniqueOrThrow({ where: { id: runId } })).status;

it("re-enqueues the runs of a session no worker holds whose job is gone, a running one included", async () => {
  const { sessionId, runIds } = await sessionWithRuns("was running", "queued behind it");
  await prisma.run.update({ where: { id: runIds[0] }, data: { status: "running", attempts: 1 } });
  const outcome = await recovery.sweep();
  expect(outcome?.requeued).toEqual(expect.arrayContaining(runIds));
  for (const runId of runIds) expect(await queue.has(runId)).toBe(true);
  // A second sweep finds live jobs and does nothing more.
  expect((await recovery.sweep())?.requeued.filter((id) => runIds.includes(id))).toEqual([]);
  expect(await statusOf(runIds[0]!)).toBe("running");
  expect(sessionId).toBeTruthy();
});

it("wakes a run that stepped back while the cancel held its session, and only one that is listed as waiting", async () => {
  const view = new Queue(QueueName.AgentRuns, { connection, prefix: keys.queuePrefix() });
  const deps = { prisma, leases, events, logger: createLogger("test", "silent"), queue };
  try {
    for (const listed of [true, false]) {
      const { workspaceId, sessionId, runIds } = await sessionWithRuns("cancel me", "sent right after the cancel");
      const [cancelled, next] = runIds as [string, string];
      await prisma.run.update({ where: { id: cancelled }, data: { cancelRequestedAt: new Date() } });
      // The next run's job found the session taken: it waits in the delayed set, listed as waiting.
      await view.add("run-agent", { runId: next, sessionId, workspaceId }, { jobId: next, delay: 60_000 });
      if (listed) await leases.markWaiting(sessionId, next);
      expect(await endCancelledUnheldRuns(deps, sessionId)).toBe(1);
      expect(await statusOf(cancelled)).toBe("cancelled");
      expect(await (await view.getJob(next))!.isDelayed()).toBe(!listed);
    }
  } finally {
    await view.close();
  }
});

it("re-enqueues lost runs at their workspace's fair priority, as a send does", async () => {
  const { workspaceId, runIds } = await sessionWithRuns("lost one", "lost two", "lost three");
  // Sent in this order, a second apart; Redis lost their jobs and their workspace's count.
  for (const [i, runId] of runIds.entries()) await prisma.run.update({ where: { id: runId }, data: { createdAt: new Date(Date.now() - 60_000 + i * 1_000) } });
  expect(await redis.exists(runQueueKeys(keys.queuePrefix()).workspacePending(workspaceId))).toBe(0);
  expect((await recovery.sweep())?.requeued).toEqual(expect.arrayContaining(runIds));
  const view = new Queue(QueueName.AgentRuns, { connection, prefix: keys.queuePrefix() });
  try {
    const priorities = await Promise.all(runIds.map(async (runId) => (await view.getJob(runId))?.priority));
    expect(priorities).toEqual([1, 2, 3]);
  } finally {
    await view.close();
  }
});

it("replaces a job that finished while Postgres still says the run is active", async () => {
  const { sessionId, workspaceId, runIds } = await sessionWithRuns("stale job");
  await queue.enqueue({ runId: runIds[0]!, sessionId, workspaceId });
  // The job's hash is gone while its id lingers: its state reads "unknown", and an add would be ignored.
  expect(await redis.del(`${keys.queuePrefix()}:${QueueName.AgentRuns}:${runIds[0]}`)).toBe(1);
  expect((await recovery.sweep())?.requeued).toContain(runIds[0]);
  expect(await queue.has(runIds[0]!)).toBe(true);
});

it("leaves alone a session a worker holds, and a queued run still within the enqueue grace", async () => {
  const held = await sessionWithRuns("held");
  const lease = await leases.acquire(held.sessionId, held.runIds[0]!);
  const fresh = await sessionWithRuns("just sent");
  await prisma.run.update({ where: { id: fresh.runIds[0] }, data: { createdAt: new Date() } });
  try {
    const outcome = await recovery.sweep();
    expect(outcome?.requeued).not.toContain(held.runIds[0]);
    expect(outcome?.requeued).not.toContain(fresh.runIds[0]);
  } finally {
    await lease?.release();
  }
});

it("ends the cancelled runs no worker holds as cancelled, each with its complete event", async () => {
  const { sessionId, runIds } = await sessionWithRuns("cancel me", "and me");
  await prisma.run.updateMany({ where: { id: { in: runIds } }, data: { cancelRequestedAt: new Date() } });
  const outcome = await recovery.sweep();
  expect(outcome?.cancelled).toBeGreaterThanOrEqual(2);
  for (const runId of runIds) expect(await statusOf(runId)).toBe("cancelled");
  const completes = (await events.readAfter(sessionId, 0)).filter((event) => event.event === "complete");
  expect(completes.map((event) => event.data)).toEqual(runIds.map((messageId) => ({ type: "cancelled", done: true, messageId })));
});

it("fails a run that was started too often, with an error event", async () => {
  const { sessionId, runIds } = await sessionWithRuns("keeps crashing");
  await prisma.run.update({ where: { id: runIds[0] }, data: { status: "running", attempts: 3 } });
  expect((await recovery.sweep())?.failed).toContain(runIds[0]);
  expect(await statusOf(runIds[0]!)).toBe("failed");
  const [error] = (await events.readAfter(sessionId, 0)).filter((event) => event.event === "error");
  expect(error?.data).toMatchObject({ type: "run_failed", error: expect.stringMatching(/started 3 times/) });
});

it("runs on one worker at a time", async () => {
  const other = new RunRecovery({
    prisma,
    redis,
    keys,
    queue,
    leases,
    events,
    logger: createLogger("test", "silent"),
    intervalMs: 60_000,
    enqueueGraceMs: 5_000,
    maxAttempts: 3,
  });
  const [first, second] = await Promise.all([recovery.sweep(), other.sweep()]);
  expect([first, second].filter((outcome) => outcome === null)).toHaveLength(1);
});
