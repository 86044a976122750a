/**
 * The agent-runs queue: enqueue and wake up runs, in a fair order across workspaces.
 *
 * Fair share: each job's BullMQ priority (lower runs first) is the number of its workspace's runs
 * not finished yet, itself included, counted in Redis when it is enqueued. A workspace that queued
 * 500 runs holds priorities 1..500, so another workspace's new run (priority 1) is taken by the
 * next free worker, ahead of the backlog, and runs of two busy workspaces interleave. A priority is
 * fixed when the job is added and kept when the job steps back into the delayed set and is woken
 * (BullMQ re-reads it), so a run waiting for its session keeps its place. Ties go first come,
 * first served. A job another worker had to give up (stalled) comes back without priority, ahead
 * of all: it is a run that was already executing. The count is advisory: losing it (Redis lost)
 * only loosens the order until the recovery sweep re-enqueues the runs, which counts them again.
 */
import { Queue } from "bullmq";
import type { RedisClient } from "../redis/connection";
import { JobCatalog, QueueName, type RunAgentJob } from "../contracts";
import { runQueueKeys } from "../redis/keys";

const RUN_JOB = "run-agent" as const;
/** BullMQ's highest priority (2^21 - 1); a workspace past that many unfinished runs shares it. */
const MAX_PRIORITY = 2 ** 21 - 1;
/** A run counted longer than this is dropped from its workspace's count (a leak never weighs for good). */
const PENDING_HORIZON_MS = 24 * 3_600_000;

// KEYS: pending. ARGV: run id, now ms, horizon ms. Counts the run in (once) and returns the count.
const COUNT_IN = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[2]) - tonumber(ARGV[3]))
redis.call('ZADD', KEYS[1], 'NX', ARGV[2], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])`;

type RedisWithCountIn = RedisClient & { mixCountPendingRun(key: string, runId: string, nowMs: number, horizonMs: number): Promise<number> };

/** Where a run's job was when it was asked to wake: woken now, already queued or executing, or finished or gone. */
export type WakeOutcome = "woken" | "queued" | "gone";

export class RunQueue {
  private readonly queue: Queue;
  private readonly keys: ReturnType<typeof runQueueKeys>;
  private readonly connection: RedisWithCountIn;
  onWakeRace?: (error: unknown) => void;

  constructor(connection: RedisClient, prefix: string) {
    // Sent by its SHA after the first call, like the project's other scripts: enqueue is the send path.
    if (!("mixCountPendingRun" in connection)) connection.defineCommand("mixCountPendingRun", { numberOfKeys: 1, lua: COUNT_IN });
    this.connection = connection as RedisWithCountIn;
    this.queue = new Queue(QueueName.AgentRuns, { connection, prefix });
    // BullMQ re-emits its connection's errors (Redis down, a Sentinel failover); the connection's own
    // listener logs and counts them (redis/connection.ts). Unheard, BullMQ prints each to the console.
    this.queue.on("error", () => undefined);
    this.keys = runQueueKeys(prefix);
  }

  /**
   * Idempotent: the job id is the run id, and BullMQ ignores an add for an existing id (the run
   * is counted once too). The job's priority is its workspace's count of unfinished runs:
   * `counted`, when the caller counted the run in already (countIn), else counted here.
   */
  async enqueue(payload: RunAgentJob, counted?: Promise<number>): Promise<void> {
    const job = JobCatalog[RUN_JOB];
    const data = job.payload.parse(payload);
    const pending = await (counted ?? this.countIn(data.workspaceId, data.runId));
    await this.queue.add(RUN_JOB, data, {
      jobId: data.runId,
      priority: Math.min(Math.max(1, Number(pending)), MAX_PRIORITY),
      attempts: job.attempts,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600 },
    });
  }

  /**
   * Counts the run among its workspace's unfinished ones (once) and returns the count: the
   * priority enqueue gives its job. A sender that knows the run's id before storing it counts it
   * meanwhile and passes the count to enqueue, one round trip fewer before the job is queued; if
   * the run is then not stored, it settles the id again.
   */
  countIn(workspaceId: string, runId: string): Promise<number> {
    return this.connection.mixCountPendingRun(this.keys.workspacePending(workspaceId), runId, Date.now(), PENDING_HORIZON_MS);
  }

  /** The run's job is over (its run ended, or it had nothing left to do): it no longer counts for its workspace. */
  async settle(workspaceId: string, runId: string): Promise<void> {
    await this.connection.zrem(this.keys.workspacePending(workspaceId), runId);
  }

  /** Whether BullMQ still holds a job for the run, in any state. */
  async has(runId: string): Promise<boolean> {
    return (await this.queue.getJob(runId)) !== undefined;
  }

  /**
   * Enqueues the run unless BullMQ holds a live job for it (waiting, delayed, active). A job
   * that already completed or failed while Postgres still says the run is active is stale: it
   * is removed first, or the add would be ignored. True when a job was enqueued.
   */
  async requeueIfLost(payload: RunAgentJob): Promise<boolean> {
    const job = await this.queue.getJob(payload.runId);
    if (job) {
      const state = await job.getState();
      if (state !== "completed" && state !== "failed" && state !== "unknown") return false;
      await job.remove();
    }
    await this.enqueue(payload);
    return true;
  }

  /** Moves a delayed job (a run waiting for its session) back into the line, at its priority. */
  async wake(runId: string): Promise<void> {
    const job = await this.queue.getJob(runId);
    if (!job || !(await job.isDelayed())) return;
    // Another party may move the job between the check and the promote: that race is harmless.
    await job.promote().catch((error: unknown) => this.onWakeRace?.(error));
  }

  /** Like wake, and says where the job was (a run waiting for a slot of its workspace: runs/workspace-slots.ts). */
  async wakeWaiting(runId: string): Promise<WakeOutcome> {
    const job = await this.queue.getJob(runId);
    if (!job) return "gone";
    const state = await job.getState();
    if (state === "completed" || state === "failed" || state === "unknown") return "gone";
    if (state !== "delayed") return "queued";
    try {
      await job.promote();
      return "woken";
    } catch (error) {
      // Moved meanwhile (promoted by someone else, or taken by a worker whose timer fired): it is in line.
      this.onWakeRace?.(error);
      return "queued";
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
