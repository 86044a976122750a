/**
 * A worker process's run consumer: a BullMQ worker on the agent-runs queue plus the control
 * listener for cancels. Starts consuming only when everything it needs is connected, and on
 * close stops taking jobs and lets the active runs finish (up to the grace period).
 */
import { createPrismaClient } from "@mix/db";
import { UnrecoverableError, Worker } from "bullmq";
import { JobCatalog, QueueName, RunAgentJob } from "../contracts";
import type { Config } from "../config/config";
import { createScriptedProvider } from "../models/scripted/create-scripted-provider";
import { ModelSelector } from "../models/selection/model-selector";
import type { ModelProvider } from "../models/model-provider";
import { CredentialsService } from "../credentials/credentials.service";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { McpToolSource } from "../mcp-servers/mcp-tool-source";
import { PriceTable } from "../models/catalog/model-prices";
import { PermissionGate } from "../permissions/permission-gate";
import { PreferencesService } from "../preferences/preferences.service";
import { createBullConnection, createRedis, isRedisUnavailable } from "../redis/connection";
import { LeaseLostError } from "../agent/loop-types";
import { RedisKeys } from "../redis/keys";
import { RunControl, RunControlListener } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { RunProcessor } from "../runs/run-processor";
import { RunRecovery } from "../runs/run-recovery";
import { RunQueue } from "../queues/run-queue";
import { createSandbox } from "../sandbox/create-sandbox";
import type { Sandbox } from "../sandbox/sandbox";
import { checkUnconfinedAllowed } from "../sandbox/unconfined/unconfined-policy";
import { LocalBlobStore } from "../storage/local-blob-store";
import { BUILTIN_TOOLS, toolLimits } from "../tools/tool-registry";

export interface RunWorker {
  /** Stops taking jobs, waits for active runs (up to SHUTDOWN_GRACE_MS), closes connections. */
  close(): Promise<void>;
}

export async function startRunWorker(
  config: Config,
  logger: Logger,
  /** `mcp`: a source shared with the maintenance worker (its owner closes it); otherwise the worker has its own. */
  /** `sandbox`: a driver built by the caller (tests override its egress address check); the worker closes it. */
  options: { scripted?: ModelProvider; mcp?: McpToolSource; sandbox?: Sandbox } = {},
): Promise<RunWorker> {
  // Before any connection: a malformed price table stops the worker with a clear message.
  const prices = PriceTable.fromConfig(config);
  const prisma = createPrismaClient({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
  // Before taking any job: a sandbox that cannot run here, or an unconfined one where it must not, stops the worker.
  checkUnconfinedAllowed(config, await prisma.workspace.count());
  const sandbox = options.sandbox ?? createSandbox(config, logger);
  await sandbox.start();
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const redis = createRedis(config.REDIS_URL, {}, logger);
  const subscriber = createRedis(config.REDIS_URL, {}, logger);
  const queueConnection = createBullConnection(config.REDIS_URL, logger);
  const workerConnection = createBullConnection(config.REDIS_URL, logger);
  const queue = new RunQueue(queueConnection, keys.queuePrefix());
  queue.onWakeRace = (error) => logger.debug({ err: error }, "run to wake had already moved");
  const events = new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: new PostgresEventIds(prisma) });
  // One subscriber connection carries both cancels and permission answers.
  const controlListener = new RunControlListener(subscriber, keys, logger);
  const permissions = new PermissionGate({ redis, subscriber, keys, events, prisma, timeoutMs: config.PERMISSION_TIMEOUT_MS, logger });
  await Promise.all([controlListener.start(), permissions.start()]);
  const credentials = new CredentialsService(prisma, config, new PreferencesService(prisma));
  const models = new ModelSelector({ prisma, config, credentials, scripted: options.scripted ?? createScriptedProvider(config) });
  const mcpTools = options.mcp ?? new McpToolSource({ config, logger });
  const blobs = new LocalBlobStore(config.STORAGE_DIR, { owner: sandbox.fileOwner });

  const leases = new RunLeases(redis, keys, config.RUN_LEASE_MS);
  const processor = new RunProcessor({
    prisma,
    events,
    leases,
    control: new RunControl(redis, keys),
    controlListener,
    queue,
    models,
    tools: async (workspaceId) => [...BUILTIN_TOOLS, ...(await mcpTools.tools(workspaceId))],
    permissions,
    prices,
    retry: { maxAttempts: config.MODEL_MAX_ATTEMPTS, baseDelayMs: config.MODEL_RETRY_BASE_MS, maxDelayMs: config.MODEL_RETRY_MAX_MS },
    limits: toolLimits(config),
    sandbox,
    sessionDir: (sessionId) => blobs.sessionDir(sessionId),
    defaultMaxSteps: config.AGENT_MAX_STEPS,
    callbackTimeoutMs: config.CALLBACK_TIMEOUT_MS,
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
      stalledInterval: config.RUN_STALLED_CHECK_MS,
    },
  );
  worker.on("failed", (job, error) => {
    if (!job) return;
    const final = job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError;
    // The run lost its session or Redis, not its own fight: another worker or the recovery sweep resumes it.
    const handedOn = error instanceof LeaseLostError || isRedisUnavailable(error);
    logger.error({ err: error, jobId: job.id, attempt: job.attemptsMade, final, handedOn }, "run job failed");
    if (final && !handedOn && job.id) {
      processor.abandon(job.id, `run failed: ${error.message}`).catch((err: unknown) => logger.error({ err }, "could not mark run failed"));
    }
  });
  worker.on("error", (error) => logger.error({ err: error }, "worker error"));
  await worker.waitUntilReady();
  void worker.run();
  // Postgres is the truth about runs: this sweep finds the ones nothing would run again.
  const recovery = new RunRecovery({
    prisma,
    redis,
    keys,
    queue,
    leases,
    events,
    logger,
    intervalMs: config.RUN_RECOVERY_INTERVAL_MS,
    enqueueGraceMs: config.RUN_ENQUEUE_GRACE_MS,
    maxAttempts: config.RUN_MAX_ATTEMPTS,
  });
  recovery.start();
  logger.info({ concurrency: config.WORKER_CONCURRENCY }, "run worker started");

  return {
    async close() {
      await recovery.stop();
      const closing = worker.close();
      const grace = new Promise<"timeout">((resolve) => setTimeout(resolve, config.SHUTDOWN_GRACE_MS, "timeout").unref());
      if ((await Promise.race([closing, grace])) === "timeout") {
        logger.warn("active runs outlived the shutdown grace period; handing them over to another worker");
        // Each stops, releases its session and goes back to the queue; then the worker can close.
        await processor.handOver();
        await closing;
      }
      await Promise.all([queue.close(), options.mcp ? undefined : mcpTools.close(), sandbox.close()]);
      await Promise.all([prisma.$disconnect(), redis.quit(), subscriber.quit(), queueConnection.quit(), workerConnection.quit()]);
    },
  };
}
