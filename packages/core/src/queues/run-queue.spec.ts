/**
 * The run queue's fair order against a real Redis and BullMQ: a job's priority is its
 * workspace's count of unfinished runs, so a workspace's backlog queues behind another
 * workspace's new run, and a job keeps its priority when it steps back and is woken.
 */
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { deleteRedisPrefix, testRedisPrefix, waitFor } from "@mix/testing";
import { QueueName } from "../contracts";
import { runQueueKeys } from "../redis/keys";
import { RunQueue } from "./run-queue";
import { TEST_REDIS_TARGET, testBullConnection, testRedis } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("run-queue");
const redis = testRedis();
const closing: { close(): Promise<unknown> }[] = [];

afterAll(async () => {
  for (const item of closing.reverse()) await item.close();
  redis.disconnect();
  await deleteRedisPrefix(prefix);
});

/** A queue of its own for each test, and a BullMQ view of it to read jobs with. */
function testQueue(label: string) {
  // On a cluster BullMQ needs a prefix with a hash tag: its scripts touch many keys of the queue at once.
  const queuePrefix = TEST_REDIS_TARGET.REDIS_CLUSTER_NODES ? `{${prefix}}:${label}` : `${prefix}:${label}`;
  const connection = testBullConnection();
  const queue = new RunQueue(connection, queuePrefix);
  const view = new Queue(QueueName.AgentRuns, { connection, prefix: queuePrefix });
  closing.push({ close: () => connection.quit() }, queue, view);
  const priorityOf = async (runId: string) => (await view.getJob(runId))?.priority;
  return { queue, view, queuePrefix, priorityOf };
}

const job = (runId: string) => ({ runId, sessionId: `session-of-${runId}`, workspaceId: runId.split("-")[0]! });

/** A worker of one job at a time that records the order it is given jobs in. */
function orderWorker(queuePrefix: string, process: (job: Job, token: string | undefined) => Promise<void> = async () => undefined) {
  const taken: string[] = [];
  const connection = testBullConnection();
  closing.push({ close: () => connection.quit() });
  const worker = new Worker(
    QueueName.AgentRuns,
    async (given, token) => {
      taken.push(given.id!);
      await process(given, token);
    },
    { connection, prefix: queuePrefix, concurrency: 1, autorun: false },
  );
  closing.push(worker);
  return { worker, taken };
}

it("gives each job its workspace's count of unfinished runs as priority, counting a run once", async () => {
  const { queue, queuePrefix, priorityOf } = testQueue("count");
  for (const runId of ["ws1-a", "ws1-b", "ws1-c", "ws2-a"]) await queue.enqueue(job(runId));
  expect(await Promise.all(["ws1-a", "ws1-b", "ws1-c", "ws2-a"].map(priorityOf))).toEqual([1, 2, 3, 1]);
  // A retried enqueue (same run) counts nothing more.
  await queue.enqueue(job("ws1-c"));
  expect(await redis.zcard(runQueueKeys(queuePrefix).workspacePending("ws1"))).toBe(3);

  // A settled run no longer counts: the workspace's next run comes after two, not three.
  await queue.settle("ws1", "ws1-a");
  await queue.enqueue(job("ws1-d"));
  expect(await priorityOf("ws1-d")).toBe(3);
});

it("takes a workspace's new run ahead of another workspace's backlog, and keeps a woken job's priority", async () => {
  const { queue, queuePrefix } = testQueue("order");
  const flood = Array.from({ length: 6 }, (_, i) => `flood-${i}`);
  for (const runId of flood) await queue.enqueue(job(runId));
  await queue.enqueue(job("quiet-1"));
  let steppedBack = false;
  // flood-3 (priority 4) steps back once, as a run whose session is busy does; while it is out,
  // the quiet workspace sends again (priority 2); then flood-3 is woken.
  const { worker, taken } = orderWorker(queuePrefix, async (given, token) => {
    if (given.id !== "flood-3" || steppedBack) return;
    steppedBack = true;
    await given.moveToDelayed(Date.now() + 60_000, token);
    await queue.enqueue(job("quiet-2"));
    await queue.wake("flood-3");
    throw new DelayedError();
  });
  void worker.run();
  await waitFor(() => taken.length === 9 && taken, { timeoutMs: 10_000, what: "every job to be taken" });

  // The quiet workspace's first run goes second, after the flood's first (same priority, came first);
  // woken, flood-3 came back at its own priority: behind quiet-2, ahead of the rest of the flood.
  expect(taken).toEqual(["flood-0", "quiet-1", "flood-1", "flood-2", "flood-3", "quiet-2", "flood-3", "flood-4", "flood-5"]);
});

it("says where a run waiting for a slot was when it is woken", async () => {
  const { queue, view, queuePrefix } = testQueue("wake");
  const { worker } = orderWorker(queuePrefix, async (given, token) => {
    await given.moveToDelayed(Date.now() + 60_000, token);
    throw new DelayedError();
  });
  await queue.enqueue(job("waiting-1"));
  void worker.run();
  await waitFor(async () => (await view.getJobState("waiting-1")) === "delayed", { timeoutMs: 10_000, what: "the job to step back" });
  await worker.pause();
  expect(await queue.wakeWaiting("waiting-1")).toBe("woken");
  expect(await view.getJobState("waiting-1")).toBe("prioritized");
  expect(await queue.wakeWaiting("waiting-1")).toBe("queued");
  expect(await queue.wakeWaiting("no-such-run")).toBe("gone");
});

it("takes the count a sender made while it stored the run, and counts a settled run no more", async () => {
  const { queue, priorityOf } = testQueue("counted");
  await queue.enqueue(job("ws4-a"));
  // Counted ahead (the API does while it inserts the message): the job gets that count as priority.
  const counted = queue.countIn("ws4", "ws4-b");
  expect(await counted).toBe(2);
  await queue.enqueue(job("ws4-b"), counted);
  expect(await priorityOf("ws4-b")).toBe(2);
  // A counted id that never became a run (its insert failed) is settled: the next run counts without it.
  await queue.countIn("ws4", "ws4-never-stored");
  await queue.settle("ws4", "ws4-never-stored");
  await queue.enqueue(job("ws4-c"));
  expect(await priorityOf("ws4-c")).toBe(3);
});
