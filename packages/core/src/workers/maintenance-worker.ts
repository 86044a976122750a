/**
 * A worker process's housekeeping: BullMQ repeatable jobs (job schedulers) on the maintenance
 * queue that refresh OAuth tokens every 10 minutes and, when MCP_SERVERS_FILE is set, check the
 * MCP servers every MCP_REFRESH_MS for GET /api/mcp. Every worker upserts the same schedulers,
 * which is idempotent, and BullMQ hands each occurrence to exactly one worker. (Finding runs
 * whose job was lost is not a job here: a Redis loss would wipe its scheduler too; see
 * runs/run-recovery.ts.)
 */
import { Queue, Worker } from "bullmq";
import type { Config } from "../config/config";
import { JobCatalog, QueueName, type JobName, type JobNameOf } from "../contracts";
import { createInfrastructure, type Infrastructure } from "../infrastructure/infrastructure";
import type { Logger } from "../logging/logger";
import { McpStatusCache } from "../mcp-servers/mcp-status";
import { refreshMcpServerStatus } from "../mcp-servers/mcp-status-refresh";
import { McpToolSource } from "../mcp-servers/mcp-tool-source";
import { refreshExpiringTokens } from "../oauth/token-refresh";
import { createJobDispatch } from "./job-handlers";
import { startOnInfrastructure } from "./worker-infrastructure";

/** The repeatable jobs, by scheduler id (= job name); changing `every` takes effect on the next boot. */
export const MAINTENANCE_SCHEDULES = {
  "refresh-oauth-tokens": { everyMs: 10 * 60_000 },
} as const satisfies Partial<Record<JobNameOf<typeof QueueName.Maintenance>, { everyMs: number }>>;

/** A scheduler of earlier releases, removed at boot (its work moved to the run recovery sweep). */
const RETIRED_SCHEDULERS = ["requeue-orphan-runs"];

/** Checks the MCP servers; scheduled every MCP_REFRESH_MS, only while a servers file is configured. */
export const MCP_REFRESH_JOB = "refresh-mcp-servers" satisfies JobName;

/** Postgres connections of a maintenance worker with an infrastructure of its own: one job at a time needs few. */
const OWN_POOL_SIZE = 2;

export interface MaintenanceWorker {
  /** The maintenance queue, e.g. to inspect its schedulers. */
  readonly queue: Queue;
  /** Stops taking jobs, lets the active one finish, closes what it opened. */
  close(): Promise<void>;
}

export interface MaintenanceWorkerOptions {
  /** The process's MCP connections, to share them with its run worker; by default the worker opens its own. */
  mcp?: McpToolSource;
  /** The process's connections and stores, shared with its run worker (its owner closes them); by default the worker opens its own. */
  infrastructure?: Infrastructure;
}

export async function startMaintenanceWorker(config: Config, logger: Logger, options: MaintenanceWorkerOptions = {}): Promise<MaintenanceWorker> {
  // First: a bad MCP servers file stops the worker before it connects anything.
  const ownMcp = !options.mcp && config.MCP_SERVERS_FILE ? new McpToolSource({ config, logger }) : undefined;
  const open = () => createInfrastructure(config, logger, { poolSize: OWN_POOL_SIZE });
  return startOnInfrastructure(options.infrastructure, open, (infrastructure) =>
    maintain(infrastructure, config, logger, { mcp: options.mcp ?? ownMcp, ownMcp }),
  );
}

async function maintain(
  infrastructure: Infrastructure,
  config: Config,
  logger: Logger,
  /** `ownMcp`: the source the worker opened itself, closed with it. */
  { mcp, ownMcp }: { mcp: McpToolSource | undefined; ownMcp: McpToolSource | undefined },
): Promise<MaintenanceWorker> {
  const { redis, keys, credentials } = infrastructure;
  const mcpCache = mcp && new McpStatusCache(redis, keys, McpStatusCache.ttlFor(config.MCP_REFRESH_MS));
  // Before the worker consumes: a maintenance job without a handler stops it here.
  const dispatch = createJobDispatch(QueueName.Maintenance, {
    "refresh-oauth-tokens": () => refreshExpiringTokens({ config, credentials, logger }, new Date()),
    // Without servers (a job left from a deployment that had some) there is nothing to check.
    [MCP_REFRESH_JOB]: async () => (mcp && mcpCache ? refreshMcpServerStatus({ source: mcp, cache: mcpCache, logger }) : { checked: 0, connected: 0 }),
  });
  const queue = new Queue(QueueName.Maintenance, { connection: infrastructure.queueConnection, prefix: keys.queuePrefix() });
  const mcpScheduled = mcp !== undefined && !mcp.catalog.isEmpty;

  const worker = new Worker(QueueName.Maintenance, dispatch, {
    connection: infrastructure.workerConnection(),
    prefix: keys.queuePrefix(),
    concurrency: 1,
    autorun: false,
  });
  worker.on("failed", (job, error) => logger.error({ err: error, job: job?.name }, "maintenance job failed"));
  worker.on("error", (error) => logger.error({ err: error }, "maintenance worker error"));

  for (const [name, { everyMs }] of Object.entries(MAINTENANCE_SCHEDULES) as [keyof typeof MAINTENANCE_SCHEDULES, { everyMs: number }][]) {
    await queue.upsertJobScheduler(
      name,
      { every: everyMs },
      { name, data: {}, opts: { attempts: JobCatalog[name].attempts, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } } },
    );
  }
  for (const retired of RETIRED_SCHEDULERS) await queue.removeJobScheduler(retired);
  // Its period comes from the configuration; without servers the scheduler is removed.
  if (mcpScheduled) {
    const jobOptions = { attempts: JobCatalog[MCP_REFRESH_JOB].attempts, removeOnComplete: { count: 100 }, removeOnFail: { count: 100 } };
    await queue.upsertJobScheduler(MCP_REFRESH_JOB, { every: config.MCP_REFRESH_MS }, { name: MCP_REFRESH_JOB, data: {}, opts: jobOptions });
  } else {
    await queue.removeJobScheduler(MCP_REFRESH_JOB);
  }
  await worker.waitUntilReady();
  void worker.run();
  logger.info({ schedules: [...Object.keys(MAINTENANCE_SCHEDULES), ...(mcpScheduled ? [MCP_REFRESH_JOB] : [])] }, "maintenance worker started");

  return {
    queue,
    async close() {
      await worker.close();
      await queue.close();
      // The connections are the infrastructure's: its owner closes them.
      await ownMcp?.close();
    },
  };
}
