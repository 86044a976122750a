/**
 * How the API and the MCP server run a parser: as a job a worker takes and runs in its sandbox.
 * Only the worker's container may create the namespaces a sandbox needs; the API's keeps its
 * default seccomp and AppArmor profiles, and runs nothing a crafted file could steer.
 *
 * The scratch folder is on the storage the API and the workers share: the job names the folder,
 * the program and its arguments, and answers the run's exit; the outputs stay files in the folder.
 * The job is waited for through QueueEvents: `waitMs` for a worker to take it (past that the
 * client gets a 503 that says no worker answered), then the parser's own time.
 */
import type { EventEmitter } from "node:events";
import path from "node:path";
import { Job, Queue, QueueEvents } from "bullmq";
import { JobCatalog, ParseFileJob, ParseFileResult, QueueName, type ParserProgram } from "../contracts";
import type { RedisClient } from "../redis/connection";
import { parsingUnavailable, type ParserRun, type ParserRunner } from "./confined-parser";

const PARSE_JOB = "parse-file" as const;
// Kept a little after they finish, so a wait that began late still finds the answer.
const KEEP_FINISHED = { age: 300, count: 1_000 };
// Past the parser's own time (its sandbox stops it then), for the worker's answer to come back.
const ANSWER_MARGIN_MS = 10_000;

export interface QueuedParserRunnerOptions {
  /** The producer connection (shared with the process's other queues). */
  connection: RedisClient;
  /** A new blocking connection for the job events, opened on the first parse. */
  eventsConnection: () => RedisClient;
  prefix: string;
  /** Where the scratch folders are: a job names one of its children, never a path. */
  scratchRoot: string;
  /** How long a job may wait for a worker before the client is told none answered. */
  waitMs: number;
}

export class QueuedParserRunner implements ParserRunner {
  private readonly queue: Queue;
  private events?: Promise<QueueEvents>;

  constructor(private readonly options: QueuedParserRunnerOptions) {
    this.queue = new Queue(QueueName.FileParsing, { connection: options.connection, prefix: options.prefix });
    // The connection's own listener logs and counts its errors (redis/connection.ts).
    this.queue.on("error", () => undefined);
  }

  async run(command: { argv: string[]; workdir: string; timeoutMs: number }): Promise<ParserRun> {
    const folder = path.basename(command.workdir);
    if (path.dirname(command.workdir) !== this.options.scratchRoot) throw new Error(`a parser runs only in a scratch folder of ${this.options.scratchRoot}`);
    const [program, ...args] = command.argv;
    const payload: ParseFileJob = ParseFileJob.parse({ folder, program: program as ParserProgram, args, timeoutMs: command.timeoutMs });
    // Listening before the job exists, so its events are not missed; its id is the folder's.
    const events = await this.queueEvents();
    const job = await this.queue.add(PARSE_JOB, payload, {
      jobId: folder,
      attempts: JobCatalog[PARSE_JOB].attempts,
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
    });
    const answer = ParseFileResult.safeParse(await this.answer(events, job, command.timeoutMs));
    // No answer of the job's shape (one removed meanwhile, or from another release): the file is not at fault.
    if (!answer.success) throw parsingUnavailable("the worker's answer could not be read");
    if ("unavailable" in answer.data) throw parsingUnavailable("the workers' sandbox is not working; their log says why");
    return answer.data;
  }

  /**
   * The job's return value. Two clocks: `waitMs` for a worker to take it, then the parser's own
   * time (the worker's sandbox stops it then) and a margin for the answer to come back.
   */
  private answer(queueEvents: QueueEvents, job: Job, runMs: number): Promise<unknown> {
    const id = job.id!;
    // QueueEvents also emits each event as `<event>:<job id>`, which its types do not list.
    const events = queueEvents as unknown as EventEmitter;
    const { waitMs } = this.options;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (end: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        events.off(`active:${id}`, onActive);
        events.off(`completed:${id}`, onCompleted);
        events.off(`failed:${id}`, onFailed);
        end();
      };
      const onActive = () => {
        clearTimeout(timer);
        timer = setTimeout(() => void check("run"), runMs + ANSWER_MARGIN_MS);
      };
      const onCompleted = ({ returnvalue }: { returnvalue: unknown }) => settle(() => resolve(returnvalue));
      const onFailed = () => settle(() => reject(parsingUnavailable("the worker reading it failed; its log says why")));
      // When a clock runs out the job's own state decides: its events may have come before the listening began.
      const check = async (phase: "pickup" | "run") => {
        const state = await job.getState().catch(() => "unknown");
        if (state === "completed") {
          const finished = await Job.fromId(this.queue, id);
          return settle(() => resolve(finished?.returnvalue));
        }
        if (state === "active" && phase === "pickup") return onActive();
        if (state === "waiting" || state === "prioritized" || state === "delayed") {
          // Nobody took it: take it back, so a worker that comes later does not parse for no one.
          await job.remove().catch(() => undefined);
          return settle(() => reject(parsingUnavailable(`no worker took the file within ${Math.ceil(waitMs / 1000)} s (is a worker running?)`)));
        }
        settle(() =>
          reject(parsingUnavailable(state === "active" ? "the worker reading it did not answer in time" : "the worker reading it failed; its log says why")),
        );
      };
      events.on(`active:${id}`, onActive);
      events.on(`completed:${id}`, onCompleted);
      events.on(`failed:${id}`, onFailed);
      timer = setTimeout(() => void check("pickup"), waitMs);
    });
  }

  async close(): Promise<void> {
    const events = this.events;
    this.events = undefined;
    await Promise.all([this.queue.close(), events?.then((opened) => opened.close())]);
  }

  private queueEvents(): Promise<QueueEvents> {
    this.events ??= (async () => {
      const events = new QueueEvents(QueueName.FileParsing, { connection: this.options.eventsConnection(), prefix: this.options.prefix });
      // Like the queue's: the connection's own listener logs and counts its errors.
      events.on("error", () => undefined);
      await events.waitUntilReady();
      return events;
    })().catch((error: unknown) => {
      this.events = undefined;
      throw error;
    });
    return this.events;
  }
}
