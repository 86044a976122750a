/**
 * A worker process's housekeeping: a BullMQ repeatable job (a job scheduler) on the maintenance
 * queue that refreshes OAuth tokens every 10 minutes. Every worker upserts the same scheduler,
 * which is idempotent, and BullMQ hands each occurrence to exactly one worker.
 */
import { createPrismaClient } from "@mix/db";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import type { Config } from "../config/config";
import { JobCatalog, QueueName, type JobName } from "../contracts";
import { CredentialsService } from "../credentials/credentials.service";
import type { Logger } from "../logging/logger";
import { refreshExpiringTokens } from "../oauth/token-refresh";
import { PreferencesService } from "../preferences/preferences.service";
import { createBullConnection } from "../redis/connection";
import { RedisKeys } from "../redis/keys";

/** The repeatable jobs, by scheduler id (= job name); changing `every` takes effect on the next boot. */
export const MAINTENANCE_SCHEDULES = {
  "refresh-oauth-tokens": { everyMs: 10 * 60_000 },
} as const satisfies Partial<Record<JobName, { everyMs: number }>>;

type MaintenanceJob = keyof typeof MAINTENANCE_SCHEDULES;

export interface MaintenanceWorker {
  /** The maintenance queue, e.g. to inspect its schedulers. */
  readonly queue: Queue;
  /** Stops taking jobs, lets the active one finish, closes connections. */
  close(): Promise<void>;
}

export async function startMaintenanceWorker(config: Config, logger: Logger): Promise<MaintenanceWorker> {
  const prisma = createPrismaClient({ url: config.DATABASE_URL, poolSize: 2 });
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const credentials = new CredentialsService(prisma, config, new PreferencesService(prisma));
  const queueConnection = createBullConnection(config.REDIS_URL);
  const workerConnection = createBullConnection(config.REDIS_URL);
  const queue = new Queue(QueueName.Maintenance, { connection: queueConnection, prefix: keys.queuePrefix() });

  const handlers: Record<MaintenanceJob, () => Promise<unknown>> = {
    "refresh-oauth-tokens": () => refreshExpiringTokens({ config, credentials, logger }, new Date()),
  };

  const worker = new Worker(
    QueueName.Maintenance,
    async (job) => {
      if (!(job.name in handlers)) throw new UnrecoverableError(`no handler for job "${job.name}"`);
      const name = job.name as MaintenanceJob;
      if (!JobCatalog[name].payload.safeParse(job.data).success) throw new UnrecoverableError(`malformed payload for job ${job.id}`);
      return handlers[name]();
    },
    { connection: workerConnection, prefix: keys.queuePrefix(), concurrency: 1, autorun: false },
  );
  worker.on("failed", (job, error) => logger.error({ err: error, job: job?.name }, "maintenance job failed"));
  worker.on("error", (error) => logger.error({ err: error }, "maintenance worker error"));

  for (const [name, { everyMs }] of Object.entries(MAINTENANCE_SCHEDULES) as [MaintenanceJob, { everyMs: number }][]) {
    await queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: {}, opts: { attempts: JobCatalog[name].attempts, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
  }
  await worker.waitUntilReady();
  void worker.run();
  logger.info({ schedules: Object.keys(MAINTENANCE_SCHEDULES) }, "maintenance worker started");

  return {
    queue,
    async close() {
      await worker.close();
      await queue.close();
      await Promise.all([prisma.$disconnect(), queueConnection.quit(), workerConnection.quit()]);
    },
  };
}
