/** The sweep that re-enqueues active runs whose queue job was lost, on real Postgres and Redis. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createBullConnection } from "../src/redis/connection";
import { RedisKeys } from "../src/redis/keys";
import { insertUserMessage } from "../src/messages/insert-user-message";
import { ORPHAN_MIN_AGE_MS, requeueOrphanRuns } from "../src/runs/orphan-runs";
import { RunQueue } from "../src/runs/run-queue";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, TEST_REDIS_URL, type TestDatabase } from "@mix/testing";

const prefix = testRedisPrefix("orphans");
let database: TestDatabase;
let prisma: PrismaClient;
const connection = createBullConnection(TEST_REDIS_URL);
const queue = new RunQueue(connection, new RedisKeys(prefix).queuePrefix());

beforeAll(async () => {
  database = await createTestDatabase("orphans");
  prisma = createPrismaClient({ url: database.url });
});
afterAll(async () => {
  await queue.close();
  await connection.quit();
  await prisma?.$disconnect();
  await deleteRedisPrefix(prefix);
  await database?.drop();
});

async function newRun(workspaceId: string, sessionId: string, text: string): Promise<string> {
  const id = await insertUserMessage(prisma, { workspaceId, sessionId, text, planMode: false, thinkingLevel: null, idempotencyKey: null });
  return id!;
}

it("re-enqueues old active runs without a job, and leaves the rest alone", async () => {
  const workspace = await prisma.workspace.create({ data: { name: "w" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  const lost = await newRun(workspace.id, session.id, "lost");
  const queued = await newRun(workspace.id, session.id, "still queued");
  const finished = await newRun(workspace.id, session.id, "done");
  const fresh = await newRun(workspace.id, session.id, "just sent");
  await queue.enqueue({ runId: queued, sessionId: session.id, workspaceId: workspace.id });
  await prisma.run.update({ where: { id: finished }, data: { status: "completed" } });
  await prisma.run.updateMany({ where: { id: { in: [lost, queued, finished] } }, data: { createdAt: new Date(Date.now() - ORPHAN_MIN_AGE_MS - 1_000) } });

  const result = await requeueOrphanRuns({ prisma, queue });
  expect(result.requeued).toEqual([lost]);
  expect(await queue.has(lost)).toBe(true);
  // A second sweep finds the job and does nothing.
  expect((await requeueOrphanRuns({ prisma, queue })).requeued).toEqual([]);
  expect(await queue.has(finished)).toBe(false);
  expect(await queue.has(fresh)).toBe(false);
});
