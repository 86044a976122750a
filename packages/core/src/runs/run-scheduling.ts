/**
 * When a run job may execute. Runs of a session go one at a time (the session's lease) and in
 * the order their messages were sent: a job whose session is busy, or that has an earlier run
 * still pending, steps back into the delayed set and is woken when the run ahead of it ends.
 * A workspace with a cap runs at most that many at once (workspace-slots.ts): a job over it steps
 * back the same way, holding no worker, and is woken when a run of its workspace ends. Across
 * workspaces the queue's priorities keep the order fair (queues/run-queue.ts).
 * A handover (the worker stopping for good) stops the runs it executes and requeues them at once.
 */
import { DelayedError, type Job } from "bullmq";
import type { RunQueue } from "../queues/run-queue";
import type { Lease, RunLeases } from "./run-lease";
import type { RunStore } from "./run-store";
import type { WorkspaceSlots } from "./workspace-slots";

export interface RunSchedulingDeps {
  runs: RunStore;
  leases: RunLeases;
  queue: RunQueue;
  /** The workspaces' caps on runs executing at once, and their slots. */
  slots: WorkspaceSlots;
  /** How long a job whose session is busy waits before it looks again (unless woken first). */
  busyRetryMs: number;
}

/** A session's lease asked for before its run was read (RunScheduling.leaseEarly). */
export interface EarlyLease {
  sessionId: string;
  lease: Promise<Lease | null>;
  /** Releases the lease if it was taken; true when it was. */
  drop(): Promise<boolean>;
}

/** Executes one attempt of a run; stops writing when `stop` aborts (lease lost, or handed over). */
export type ExecuteRun = (stop: AbortSignal) => Promise<void>;

export interface ScheduledRun {
  id: string;
  sessionId: string;
  workspaceId: string;
  turn: number;
  /** Whether an earlier turn's run was active when the run was loaded; absent: asked here. */
  earlierRunActive?: boolean;
}

export class RunScheduling {
  /** Aborted when the worker stops for good: its runs stop at once and go back to the queue. */
  private readonly handover = new AbortController();
  private readonly active = new Set<Promise<unknown>>();

  constructor(private readonly deps: RunSchedulingDeps) {}

  /**
   * Executes the run if its turn has come, its session is free and its workspace has a free
   * slot, holding the session's lease and the slot throughout, then wakes the session's next run
   * and the workspace's longest waiting one; otherwise the job goes back to wait.
   */
  async executeInTurn(job: Job, token: string | undefined, run: ScheduledRun, execute: ExecuteRun, early?: EarlyLease): Promise<void> {
    let earlier: boolean;
    let cap: number | null;
    try {
      [earlier, cap] = await Promise.all([run.earlierRunActive ?? this.deps.runs.hasEarlierActiveRun(run), this.deps.slots.capOf(run.workspaceId)]);
    } catch (error) {
      await early?.drop();
      throw error;
    }
    if (earlier || this.handover.signal.aborted) {
      // A lease taken early kept the session from the run ahead of this one for a moment: wake it.
      if (early && (await early.drop())) await this.wakeNext(run.sessionId);
      return this.waitForSession(job, token);
    }
    const lease = early?.sessionId === run.sessionId ? await early.lease : (await early?.drop(), await this.deps.leases.acquire(run.sessionId, run.id));
    if (!lease) return this.waitForSession(job, token);
    // After the lease: a run resumed from a dead worker waits for the lease first, which lapses with that worker's slot.
    const slot = await this.deps.slots.take(run.workspaceId, run.id, cap, job.timestamp).catch(async (error: unknown) => {
      await lease.release();
      throw error;
    });
    if (!slot) {
      await lease.release();
      return this.waitForSlot(job, token, run.workspaceId, cap);
    }
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
      await slot.release();
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

  /**
   * The session's lease, asked for while the run is still being read (the job names its session):
   * one round trip fewer before the run starts. Whoever asked gives it to executeInTurn, or drops
   * it (the run is gone or over); `drop` says whether a lease was held.
   */
  leaseEarly(sessionId: string, runId: string): EarlyLease {
    const lease = this.deps.leases.acquire(sessionId, runId);
    lease.catch(() => undefined);
    return {
      sessionId,
      lease,
      drop: async () => {
        const held = await lease.catch(() => null);
        await held?.release();
        return held !== null;
      },
    };
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

  /** Waits, listed as waiting, until a run of the workspace ends (or, if no wake comes, about a lease's time). */
  private async waitForSlot(job: Job, token: string | undefined, workspaceId: string, cap: number | null): Promise<never> {
    await job.moveToDelayed(Date.now() + this.deps.slots.retryDelayMs(), token);
    // A slot freed between the failed take and now woke no one (this job was not delayed yet): take it.
    if (job.id && (await this.deps.slots.hasFree(workspaceId, cap))) await this.deps.queue.wake(job.id);
    throw new DelayedError();
  }
}
