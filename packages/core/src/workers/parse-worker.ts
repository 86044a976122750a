/**
 * The worker's side of the parser jobs (parsing/queued-parser-runner.ts): each runs one of the
 * allowed programs in the worker's sandbox, in the scratch folder the job names, with no
 * network. Its own BullMQ worker and concurrency, so a thumbnail never waits behind agent runs.
 * It also sweeps the scratch folders a server left when it stopped in the middle of a parse.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { Worker } from "bullmq";
import type { Config } from "../config/config";
import { QueueName, type ParseFileJob, type ParseFileResult } from "../contracts";
import type { Infrastructure } from "../infrastructure/infrastructure";
import type { Logger } from "../logging/logger";
import { PARSING_DIR, sandboxParserRunner } from "../parsing/confined-parser";
import { removeStaleParseFolders } from "../parsing/stale-folders";
import { SandboxStartError, type Sandbox } from "../sandbox/sandbox";
import { createJobDispatch } from "./job-handlers";

// Longer than any parse can take (its wait for a worker and the parser's own time, at most 10 min each).
const STALE_AFTER_MS = 3_600_000;
const SWEEP_EVERY_MS = 15 * 60_000;

export interface ParseWorker {
  close(): Promise<void>;
}

export async function startParseWorker(deps: {
  infrastructure: Infrastructure;
  /** The worker's sandbox; its owner closes it. */
  sandbox: Pick<Sandbox, "run">;
  config: Pick<Config, "STORAGE_DIR" | "PARSE_CONCURRENCY">;
  logger: Logger;
}): Promise<ParseWorker> {
  const { infrastructure, config, logger } = deps;
  const scratchRoot = path.resolve(config.STORAGE_DIR, PARSING_DIR);
  const runner = sandboxParserRunner({ run: (command) => deps.sandbox.run(command), close: async () => undefined });
  const dispatch = createJobDispatch(QueueName.FileParsing, {
    "parse-file": (job) => parse(job),
  });

  async function parse(job: ParseFileJob): Promise<ParseFileResult> {
    const workdir = path.join(scratchRoot, job.folder);
    // Gone: the caller stopped waiting and removed it. Running now would only make it again.
    if (!(await isFolder(workdir))) return { unavailable: true };
    try {
      const run = await runner.run({ argv: [job.program, ...job.args], workdir, timeoutMs: job.timeoutMs });
      return { exitCode: run.exitCode, stoppedBy: run.stoppedBy, limitHit: run.limitHit, stdout: run.stdout, stderr: run.stderr };
    } catch (error) {
      if (!(error instanceof SandboxStartError)) throw error;
      logger.error({ err: error }, "the sandbox could not start for a parser job (see the README's Security section)");
      return { unavailable: true };
    }
  }

  const worker = new Worker(QueueName.FileParsing, dispatch, {
    connection: infrastructure.workerConnection(),
    prefix: infrastructure.keys.queuePrefix(),
    concurrency: config.PARSE_CONCURRENCY,
    autorun: false,
  });
  worker.on("failed", (job, error) => logger.error({ err: error, jobId: job?.id }, "parser job failed"));
  worker.on("error", (error) => logger.error({ err: error }, "parser worker error"));
  await worker.waitUntilReady();
  void worker.run();
  const sweep = () =>
    removeStaleParseFolders(scratchRoot, STALE_AFTER_MS)
      .then((removed) => removed > 0 && logger.info({ removed }, "removed scratch folders of parses a server left unfinished"))
      .catch((error: unknown) => logger.warn({ err: error }, "could not sweep the parsers' scratch folders"));
  void sweep();
  const sweeper = setInterval(() => void sweep(), SWEEP_EVERY_MS).unref();
  return {
    async close() {
      clearInterval(sweeper);
      await worker.close();
    },
  };
}

async function isFolder(dir: string): Promise<boolean> {
  try {
    return (await stat(dir)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
