/**
 * A worker process's run consumer: a BullMQ worker on the agent-runs queue plus the control
 * listener for cancels. Starts consuming only when everything it needs is connected, and on
 * close stops taking jobs and lets the active runs finish (up to the grace period).
 */
import { createPrismaClient } from "@mix/db";
import { UnrecoverableError, Worker } from "bullmq";
import { JobCatalog, QueueName, RunAgentJob } from "../contracts";
import type { Config } from "../config/config";
import { createModelProvider } from "../agent/create-provider";
import type { ModelProvider } from "../agent/provider";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { createBullConnection, createRedis } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import { RunControl, RunControlListener } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { RunProcessor } from "../runs/run-processor";
import { RunQueue } from "../runs/run-queue";

export interface RunWorker {
  /** Stops taking jobs, waits for active runs (up to SHUTDOWN_GRACE_MS), closes connections. */
  close(): Promise<void>;
}

export async function startRunWorker(
  config: Config,
  logger: Logger,
  options: { provider?: ModelProvider } = {},
): Promise<RunWorker> {
  const prisma = createPrismaClient({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const redis = createRedis(config.REDIS_URL);
  const subscriber = createRedis(config.REDIS_URL);
  const queueConnection = createBullConnection(config.REDIS_URL);
  const workerConnection = createBullConnection(config.REDIS_URL);
  const queue = new RunQueue(queueConnection, keys.queuePrefix());
  queue.onWakeRace = (error) => logger.debug({ err: error }, "run to wake had already moved");
  const controlListener = new RunControlListener(subscriber, keys, logger);
  await controlListener.start();

  const processor = new RunProcessor({
    prisma,
    events: new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS }),
    leases: new RunLeases(redis, keys, config.RUN_LEASE_MS),
    control: new RunControl(redis, keys),
    controlListener,
    queue,
    provider: options.provider ?? createModelProvider(config),
    logger,
    busyRetryMs: config.RUN_BUSY_RETRY_MS,
  });

  const worker = new Worker(
    QueueName.AgentRuns,
    async (job, token) => {
      if (!(job.name in JobCatalog)) throw new UnrecoverableError(`no handler for job "${job.name}"`);
      if (!RunAgentJob.safeParse(job.data).success) throw new UnrecoverableError(`malformed payload for job ${job.id}`);
      await processor.process(job, token);
    },
    {
      connection: workerConnection,
      prefix: keys.queuePrefix(),
      concurrency: config.WORKER_CONCURRENCY,
      autorun: false,
      lockDuration: config.RUN_LEASE_MS,
    },
  );
  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    logger.error({ err: error, jobId: job.id, attempt: job.attemptsMade, final }, "run job failed");
    if (final && job.id) {
      processor.abandon(job.id, `run failed: ${error.message}`).catch((err: unknown) => logger.error({ err }, "could not mark run failed"));
    }
  });
  worker.on("error", (error) => logger.error({ err: error }, "worker error"));
  await worker.waitUntilReady();
  void worker.run();
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, "run worker started");

  return {
    async close() {
      const grace = new Promise<"timeout">((resolve) => setTimeout(resolve, config.SHUTDOWN_GRACE_MS, "timeout").unref());
      if ((await Promise.race([worker.close(), grace])) === "timeout") {
        logger.warn("active runs outlived the shutdown grace period; they will be taken over by another worker");
        await worker.close(true);
      }
      await queue.close();
      await Promise.all([prisma.$disconnect(), redis.quit(), subscriber.quit(), queueConnection.quit(), workerConnection.quit()]);
    },
  };
}
