/** The agent-runs queue, on the API side: enqueue and wake up runs. */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { JobCatalog, QueueName, type RunAgentJob } from "../contracts";

const RUN_JOB = "run-agent" as const;

export class RunQueue {
  private readonly queue: Queue;
  onWakeRace?: (error: unknown) => void;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(QueueName.AgentRuns, { connection, prefix });
  }

  /** Idempotent: the job id is the run id, and BullMQ ignores an add for an existing id. */
  async enqueue(payload: RunAgentJob): Promise<void> {
    const job = JobCatalog[RUN_JOB];
    await this.queue.add(RUN_JOB, job.payload.parse(payload), {
      jobId: payload.runId,
      attempts: job.attempts,
      backoff: { type: "exponential", delay: 1_000 },
      removeOnComplete: { age: 3_600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3_600 },
    });
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

  /** Moves a delayed job (a run waiting for its session) to the front of the line. */
  async wake(runId: string): Promise<void> {
    const job = await this.queue.getJob(runId);
    if (!job || !(await job.isDelayed())) return;
    // Another party may move the job between the check and the promote: that race is harmless.
    await job.promote().catch((error: unknown) => this.onWakeRace?.(error));
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
