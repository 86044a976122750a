/**
 * When a run job may execute. Runs of a session go one at a time (the session's lease) and in
 * the order their messages were sent: a job whose session is busy, or that has an earlier run
 * still pending, steps back into the delayed set and is woken when the run ahead of it ends.
 * A handover (the worker stopping for good) stops the runs it executes and requeues them at once.
 */
import { DelayedError, type Job } from "bullmq";
import type { RunQueue } from "../queues/run-queue";
import type { RunLeases } from "./run-lease";
import type { RunStore } from "./run-store";

export interface RunSchedulingDeps {
  runs: RunStore;
  leases: RunLeases;
  queue: RunQueue;
  /** How long a job whose session is busy waits before it looks again (unless woken first). */
  busyRetryMs: number;
}

/** Executes one attempt of a run; stops writing when `stop` aborts (lease lost, or handed over). */
export type ExecuteRun = (stop: AbortSignal) => Promise<void>;

export class RunScheduling {
  /** Aborted when the worker stops for good: its runs stop at once and go back to the queue. */
  private readonly handover = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly deps: RunSchedulingDeps) {}

  /**
   * Executes the run if its turn has come and its session is free, holding the session's lease
   * throughout, then wakes the session's next run; otherwise the job goes back to wait.
   */
  async executeInTurn(job: Job, token: string | undefined, run: { id: string; sessionId: string; turn: number }, execute: ExecuteRun): Promise<void> {
    if (await this.deps.runs.hasEarlierActiveRun(run)) return this.waitForSession(job, token);
    if (this.handover.signal.aborted) return this.waitForSession(job, token);
    const lease = await this.deps.leases.acquire(run.sessionId, run.id);
    if (!lease) return this.waitForSession(job, token);
    // A handover stops the run like a lost lease: it writes nothing more, and another worker resumes it.
    const execution = execute(AbortSignal.any([lease.lost, this.handover.signal]));
    this.active.add(execution);
    try {
      await execution;
    } catch (error) {
      if (!this.handover.signal.aborted) throw error;
      // Back in the queue now, not when the job lock times out: the next worker resumes it at once.
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    } finally {
      this.active.delete(execution);
      await lease.release();
      await this.wakeNext(run.sessionId);
    }
  }

  /**
   * Stops every run this worker is executing and hands it over: each stops writing, releases its
   * session and goes back to the queue, where another worker resumes it from its last stored step
   * (a tool call that was running is reported as interrupted). Resolves when all have.
   */
  async handOver(): Promise<void> {
    this.handover.abort(new Error("the worker is shutting down; another worker resumes the run"));
    await Promise.allSettled([...this.active]);
  }

  /** Wakes the session's next queued run, which waits in the delayed set for its turn. */
  async wakeNext(sessionId: string): Promise<void> {
    const next = await this.deps.runs.nextQueuedRunId(sessionId);
    if (next) await this.deps.queue.wake(next);
  }

  private async waitForSession(job: Job, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + this.deps.busyRetryMs, token);
    throw new DelayedError();
  }
}
