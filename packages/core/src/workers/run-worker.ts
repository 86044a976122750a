/**
 * A worker process's run consumer: a BullMQ worker on the agent-runs queue plus the control
 * listener for cancels. Starts consuming only when everything it needs is connected, and on
 * close stops taking jobs and lets the active runs finish (up to the grace period).
 */
import { AnswerWaiter } from "../user-requests/answer-waiter";
import { UnrecoverableError, Worker } from "bullmq";
import { QueueName } from "../contracts";
import type { Config } from "../config/config";
import { createInfrastructure, type Infrastructure } from "../infrastructure/infrastructure";
import { CommandRegistry } from "../commands/command-registry";
import { createScriptedProvider } from "../models/scripted/create-scripted-provider";
import { ModelSelector } from "../models/selection/model-selector";
import type { ModelProvider } from "../models/model-provider";
import type { Logger } from "../logging/logger";
import { McpToolSource } from "../mcp-servers/mcp-tool-source";
import { UserMessageSender } from "../messages/user-message-sender";
import { PriceTable } from "../models/catalog/model-prices";
import { NotificationGate } from "../notifications/notification-gate";
import { PermissionGate } from "../permissions/permission-gate";
import { isRedisUnavailable } from "../redis/connection";
import { LeaseLostError } from "../agent/loop-types";
import { RunControl, RunControlListener } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { RunProcessor } from "../runs/run-processor";
import { RunStepStore } from "../runs/run-step-store";
import { RunStore } from "../runs/run-store";
import { RunRecovery } from "../runs/run-recovery";
import { workspaceSlotsFor } from "../runs/workspace-slots";
import { createSandbox } from "../sandbox/create-sandbox";
import { meteredSandbox } from "../sandbox/metered-sandbox";
import type { Sandbox } from "../sandbox/sandbox";
import { checkUnconfinedAllowed } from "../sandbox/unconfined/unconfined-policy";
import { BUILTIN_TOOLS, toolLimits } from "../tools/tool-registry";
import { offeredBuiltinTools } from "../tools/search";
import { SearchService } from "../search/search-service";
import { createKnowledgeService } from "../knowledge/create-knowledge";
import { RunGrounding } from "../knowledge/run-grounding";
import { BrowserManager } from "../browser/browser-manager";
import { browserManagerOptions } from "../browser/browser-settings";
import { startParseWorker } from "./parse-worker";
import { createJobDispatch } from "./job-handlers";
import { startOnInfrastructure } from "./worker-infrastructure";
import { contextSettings } from "../context/context-services";

export interface RunWorker {
  /** Stops taking jobs, waits for active runs (up to SHUTDOWN_GRACE_MS), closes what it opened. */
  close(): Promise<void>;
}

export interface RunWorkerOptions {
  /** The scripted provider; by default the one the configuration describes. */
  scripted?: ModelProvider;
  /** A source shared with the maintenance worker (its owner closes it); otherwise the worker has its own. */
  mcp?: McpToolSource;
  /** A driver built by the caller (tests override its egress address check); the worker closes it. */
  sandbox?: Sandbox;
  /**
   * The process's connections and stores, shared with its maintenance worker; its owner closes
   * them, and its blobs must belong to the sandbox's user. Otherwise the worker opens its own.
   */
  infrastructure?: Infrastructure;
}

export async function startRunWorker(config: Config, logger: Logger, options: RunWorkerOptions = {}): Promise<RunWorker> {
  // Before any connection: a malformed price table stops the worker with a clear message.
  const prices = PriceTable.fromConfig(config);
  // What the worker writes into session folders belongs to the user its sandbox runs commands as.
  const open = () => createInfrastructure(config, logger, { fileOwner: options.sandbox?.fileOwner });
  return startOnInfrastructure(options.infrastructure, open, (infrastructure) => consumeRuns(infrastructure, config, logger, options, prices));
}

async function consumeRuns(infrastructure: Infrastructure, config: Config, logger: Logger, options: RunWorkerOptions, prices: PriceTable): Promise<RunWorker> {
  // Before anything else: a job of the runs queue without a handler stops the worker. (No job
  // reaches a handler before the worker below consumes, so `processor` exists by then.)
  const dispatch = createJobDispatch(QueueName.AgentRuns, {
    "run-agent": (payload, job, token) => processor.process(payload, job, token),
  });
  const { prisma, redis, subscriber, keys, queue, events, blobs, credentials } = infrastructure;
  // Before taking any job: a sandbox that cannot run here, or an unconfined one where it must not, stops the worker.
  checkUnconfinedAllowed(config, await prisma.workspace.count());
  const sandbox = meteredSandbox(options.sandbox ?? createSandbox(config, logger));
  await sandbox.start();
  queue.onWakeRace = (error) => logger.debug({ err: error }, "run to wake had already moved");
  // One subscriber connection carries cancels and the answers to what runs ask (permissions, questions).
  const controlListener = new RunControlListener(subscriber, keys, logger);
  const waiter = new AnswerWaiter({ redis, subscriber, keys, logger });
  const permissions = new PermissionGate({
    redis,
    subscriber,
    keys,
    events,
    prisma,
    timeoutMs: config.PERMISSION_TIMEOUT_MS,
    logger,
    audit: infrastructure.audit,
    waiter,
  });
  const notifications = new NotificationGate({
    waiter,
    events,
    defaultTimeoutMs: config.NOTIFICATION_TIMEOUT_MS,
    maxTimeoutMs: config.NOTIFICATION_MAX_TIMEOUT_MS,
  });
  await Promise.all([controlListener.start(), waiter.start()]);
  const models = new ModelSelector({
    prisma,
    config,
    credentials,
    scripted: options.scripted ?? createScriptedProvider(config),
    plans: infrastructure.planCatalog,
  });
  const mcpTools = options.mcp ?? new McpToolSource({ config, logger });
  // Nothing starts until a session's first browser call; close() below closes every browser.
  const browsers = new BrowserManager(browserManagerOptions(config, logger));
  // Before taking any job: a domain list of the configuration that is not hostnames stops the worker.
  const search = new SearchService({ config, credentials, prisma, ...(infrastructure.credits ? { credits: infrastructure.credits } : {}) });
  const builtinTools = offeredBuiltinTools(BUILTIN_TOOLS, config);
  // Searched only here (retrieval for each run, knowledge_search): documents are added through the API.
  const knowledge = createKnowledgeService({ prisma, audit: infrastructure.audit, config, logger });
  const grounding = new RunGrounding({ prisma, knowledge, chunks: config.KNOWLEDGE_RETRIEVAL_CHUNKS });

  const leases = new RunLeases(redis, keys, config.RUN_LEASE_MS);
  const processor = new RunProcessor({
    runs: new RunStore(prisma),
    // Each stored step records its usage and, on a metered plan, debits its cost.
    steps: new RunStepStore(prisma, infrastructure.planCatalog),
    // A send_message callback's message takes the API's path: its `/command` is expanded too.
    messages: new UserMessageSender({
      prisma,
      queue,
      commands: new CommandRegistry({ dir: config.COMMANDS_DIR, logger }),
      logger,
      gate: infrastructure.planGate,
    }),
    events,
    leases,
    control: new RunControl(redis, keys),
    controlListener,
    queue,
    slots: workspaceSlotsFor(config, { prisma, redis, keys, queue, logger }),
    models,
    tools: async (workspaceId) => [...builtinTools, ...(await mcpTools.tools(workspaceId))],
    search,
    grounding,
    knowledge,
    browsers,
    permissions,
    notifications,
    prices,
    credits: infrastructure.credits,
    retry: { maxAttempts: config.MODEL_MAX_ATTEMPTS, baseDelayMs: config.MODEL_RETRY_BASE_MS, maxDelayMs: config.MODEL_RETRY_MAX_MS },
    limits: toolLimits(config),
    sandbox,
    sessionDir: (sessionId) => blobs.sessionDir(sessionId),
    defaultMaxSteps: config.AGENT_MAX_STEPS,
    // Context windows, compaction, large tool outputs and prompt caching (context/).
    context: contextSettings(config),
    callbackTimeoutMs: config.CALLBACK_TIMEOUT_MS,
    logger,
    busyRetryMs: config.RUN_BUSY_RETRY_MS,
  });

  const worker = new Worker(QueueName.AgentRuns, dispatch, {
    connection: infrastructure.workerConnection(),
    prefix: keys.queuePrefix(),
    concurrency: config.WORKER_CONCURRENCY,
    autorun: false,
    lockDuration: config.RUN_LEASE_MS,
    stalledInterval: config.RUN_STALLED_CHECK_MS,
  });
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
  // The API's and MCP server's parser jobs: their own BullMQ worker, in this worker's sandbox.
  const parsing = await startParseWorker({ infrastructure, sandbox, config, logger });
  logger.info({ concurrency: config.WORKER_CONCURRENCY, parsers: config.PARSE_CONCURRENCY }, "run worker started");

  return {
    async close() {
      await recovery.stop();
      // Alongside the runs' drain, not before it: a parser job in flight finishes meanwhile.
      const parsingClosed = parsing.close();
      const closing = worker.close();
      const grace = new Promise<"timeout">((resolve) => setTimeout(resolve, config.SHUTDOWN_GRACE_MS, "timeout").unref());
      if ((await Promise.race([closing, grace])) === "timeout") {
        logger.warn("active runs outlived the shutdown grace period; handing them over to another worker");
        // Each stops, releases its session and goes back to the queue; then the worker can close.
        await processor.handOver();
        await closing;
      }
      // The connections are the infrastructure's: its owner closes them.
      await parsingClosed;
      await Promise.all([options.mcp ? undefined : mcpTools.close(), sandbox.close(), browsers.close()]);
    },
  };
}
