/**
 * The connections and stores every process of the product stands on, built in one place from the
 * configuration: the API, the MCP server and the workers each call this once and build their
 * services on top, so a new connection or store is wired for all of them at once.
 */
import path from "node:path";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { ConfigError, type Config } from "../config/config";
import { redisSettingsProblem } from "../config/redis-settings";
import { AuditLog } from "../audit/audit-log";
import { mapWorkspaceGone } from "../auth/workspace-gone";
import { CredentialsService } from "../credentials/credentials.service";
import { CreditsService } from "../credits/credits.service";
import { PlanGate } from "../credits/plan-gate";
import { EventFanout } from "../events/event-fanout";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { PlanCatalog } from "../plans/plan-catalog";
import { WorkspacePlans } from "../plans/workspace-plans";
import { defaultPreferences, PreferencesService } from "../preferences/preferences.service";
import { RunQueue } from "../queues/run-queue";
import { createBullConnection, createRedis, createSubscriber, type RedisClient } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import { ConfinedParser, PARSING_DIR } from "../parsing/confined-parser";
import { QueuedParserRunner } from "../parsing/queued-parser-runner";
import { sandboxFileOwner } from "../sandbox/create-sandbox";
import type { FileOwner } from "../storage/file-owner";
import { LocalBlobStore } from "../storage/local-blob-store";
import { countPostgresError } from "../metrics/record";
import { countPrismaErrors } from "./prisma-errors";

export interface Infrastructure {
  readonly config: Config;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  /** Commands (reads, writes, publishes); shared by every service of the process. */
  readonly redis: RedisClient;
  /** The process's one subscriber connection: event fan-out, key revocations, cancels, permission answers. */
  readonly subscriber: RedisClient;
  readonly keys: RedisKeys;
  /** The agent-runs queue (producer side). */
  readonly queue: RunQueue;
  /** The producer connection of BullMQ queues (the runs queue and any other queue the process adds). */
  readonly queueConnection: RedisClient;
  readonly events: EventLog;
  readonly fanout: EventFanout;
  /** Session folders, owned by the user the sandboxed commands run as. */
  readonly blobs: LocalBlobStore;
  /** Where untrusted files' native parsers run (a knowledge PDF's pdftotext, a video thumbnail's ffmpeg): the sandbox. */
  readonly parser: ConfinedParser;
  readonly preferences: PreferencesService;
  /** Provider credentials, encrypted at rest; `resolve` is the one reader of a provider's key. */
  readonly credentials: CredentialsService;
  /** The workspace audit log (append-only); built here so the services below it can record. */
  readonly audit: AuditLog;
  /** The plan table (built-in plans and PLANS_FILE). */
  readonly planCatalog: PlanCatalog;
  /** Each workspace's plan, remembered for WORKSPACE_PLAN_CACHE_TTL_MS; a change here calls `forget`. */
  readonly workspacePlans: WorkspacePlans;
  /** Workspaces' credit balances: the monthly grant, top-ups, the check before each model call. */
  readonly credits: CreditsService;
  /** What a workspace's plan lets through (models, credits), asked before a message or a model choice is stored. */
  readonly planGate: PlanGate;
  /** A new blocking connection for a BullMQ worker (each needs its own); closed with the rest. */
  workerConnection(): RedisClient;
  /** Quits every connection opened here. */
  close(): Promise<void>;
}

export interface InfrastructureOptions {
  /** Postgres connections of this process (default DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Owner of the files written into session folders; default: the sandbox user of the configuration. */
  fileOwner?: FileOwner | null;
}

export function createInfrastructure(config: Config, logger: Logger, options: InfrastructureOptions = {}): Infrastructure {
  // First: a malformed PLANS_FILE stops the process before it connects anything.
  const planCatalog = PlanCatalog.load(config.PLANS_FILE);
  // A request of a workspace deleted meanwhile fails like its key: 401, not a foreign-key 500.
  // The run path's direct statements (@mix/db's directSql) pass neither extension: their failures are counted on their own.
  const prisma = mapWorkspaceGone(
    countPrismaErrors(
      createPrismaClient({ url: config.DATABASE_URL, poolSize: options.poolSize ?? config.DATABASE_POOL_SIZE, onDirectError: countPostgresError }),
    ),
  );
  const redisProblem = redisSettingsProblem(config);
  if (redisProblem) throw new ConfigError(`Invalid configuration:\n  ${redisProblem}`);
  // REDIS_CLUSTER_NODES set: every connection below is a cluster client, and BullMQ's keys share a hash tag.
  const keys = new RedisKeys(config.REDIS_PREFIX, { cluster: config.REDIS_CLUSTER_NODES !== undefined });
  const redis = createRedis(config, {}, logger);
  const subscriber = createSubscriber(config, logger);
  const queueConnection = createBullConnection(config, logger);
  const workerConnections: RedisClient[] = [];
  const queue = new RunQueue(queueConnection, keys.queuePrefix());
  // EventLog still names its connection `Redis`; it sends only commands a Cluster has alike.
  const events = new EventLog(redis, keys, {
    maxLen: config.EVENT_LOG_MAX_LEN,
    ttlSeconds: config.EVENT_LOG_TTL_SECONDS,
    ids: new PostgresEventIds(prisma),
  });
  const audit = new AuditLog(prisma);
  // Every check of a workspace's plan in this process shares one short memory of it.
  const workspacePlans = new WorkspacePlans(prisma, planCatalog);
  const credits = new CreditsService({ prisma, plans: planCatalog, workspacePlans, audit });
  const planGate = new PlanGate({ prisma, plans: planCatalog, workspacePlans, credits, config });
  const preferences = new PreferencesService(prisma, planGate, defaultPreferences(config));
  let fanout: EventFanout | undefined;
  const workerConnection = () => {
    const connection = createBullConnection(config, logger);
    workerConnections.push(connection);
    return connection;
  };
  // Parsers of untrusted files run on a worker, in its sandbox: never in this process's tree.
  const scratchRoot = path.join(config.STORAGE_DIR, PARSING_DIR);
  const parserRunner = new QueuedParserRunner({
    connection: queueConnection,
    eventsConnection: workerConnection,
    prefix: keys.queuePrefix(),
    scratchRoot,
    waitMs: config.PARSE_QUEUE_WAIT_MS,
  });
  const parser = new ConfinedParser(parserRunner, scratchRoot, logger);
  return {
    config,
    logger,
    prisma,
    redis,
    subscriber,
    keys,
    queue,
    queueConnection,
    events,
    // Built on first use: a worker, which serves no streams, adds no listener to its subscriber.
    get fanout() {
      return (fanout ??= new EventFanout(subscriber, keys, logger));
    },
    blobs: new LocalBlobStore(config.STORAGE_DIR, { owner: options.fileOwner === undefined ? sandboxFileOwner(config) : options.fileOwner }),
    parser,
    preferences,
    credentials: new CredentialsService(prisma, config, preferences, audit),
    audit,
    planCatalog,
    workspacePlans,
    credits,
    planGate,
    workerConnection,
    async close() {
      await queue.close();
      await parser.close();
      await Promise.all([prisma.$disconnect(), ...[redis, subscriber, queueConnection, ...workerConnections].map((connection) => connection.quit())]);
    },
  };
}
