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
import { claimRun, type RunClaim, type RunClaimRequest } from "./run-claim";
import { MIN_WAITING_TTL_MS, type RunLeases } from "./run-lease";
import type { RunStore } from "./run-store";
import type { WorkspaceSlots } from "./workspace-slots";

/**
 * Wakes the session's next queued run, which waits in the delayed set for its turn: what every
 * holder of a session does when its release counted a run waiting (run-lease.ts), a worker's run
 * (RunScheduling.giveBack) or a cancel (unheld-runs.ts).
 */
export async function wakeNextRun(deps: { runs: Pick<RunStore, "nextQueuedRunId">; queue: Pick<RunQueue, "wake"> }, sessionId: string): Promise<void> {
  const next = await deps.runs.nextQueuedRunId(sessionId);
  if (next) await deps.queue.wake(next);
}

export interface RunSchedulingDeps {
  runs: RunStore;
  leases: RunLeases;
  queue: RunQueue;
  /** The workspaces' caps on runs executing at once, and their slots. */
  slots: WorkspaceSlots;
  /** How long a job whose session is busy waits before it looks again (unless woken first). */
  busyRetryMs: number;
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
  /** The run's load marked it running (on a claim held): it executes whatever comes, a handover included. */
  markedRunning?: boolean;
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
  async executeInTurn(job: Job, token: string | undefined, run: ScheduledRun, execute: ExecuteRun, claim?: RunClaim): Promise<void> {
    const claimed = claim?.sessionId === run.sessionId && claim.workspaceId === run.workspaceId ? claim : undefined;
    if (claim && !claimed) await this.giveBack(claim.sessionId, claim.drop());
    let earlier: boolean;
    let cap: number | null;
    try {
      [earlier, cap] = await Promise.all([
        run.earlierRunActive ?? this.deps.runs.hasEarlierActiveRun(run),
        claimed?.cap ?? this.deps.slots.capOf(run.workspaceId),
      ]);
    } catch (error) {
      await claimed?.drop();
      throw error;
    }
    if (earlier || (this.handover.signal.aborted && !run.markedRunning)) {
      // A lease claimed early kept the session from the run ahead of this one for a moment: wake it.
      if (claimed) await this.giveBack(run.sessionId, claimed.drop());
      return this.waitForSession(job, token, run);
    }
    const lease = claimed ? await claimed.lease : await this.deps.leases.acquire(run.sessionId, run.id);
    if (!lease) return this.waitForSession(job, token, run);
    // After the lease: a run resumed from a dead worker waits for the lease first, which lapses with that worker's slot.
    const slot = await (claimed ? claimed.slot : this.deps.slots.take(run.workspaceId, run.id, cap, job.timestamp)).catch(async (error: unknown) => {
      await lease.release();
      throw error;
    });
    if (!slot) {
      // A run ahead may have found the session taken meanwhile, and stepped back: wake it.
      await this.giveBack(run.sessionId, lease.release());
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
      const waiting = await lease.release();
      await slot.release();
      await this.giveBack(run.sessionId, waiting);
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
   * The session's lease and the workspace's slot, claimed before the run is read (run-claim.ts).
   * Whoever claimed gives the claim to executeInTurn, or gives it back (giveBack) when the run is gone or over.
   */
  claim(request: RunClaimRequest): RunClaim {
    return claimRun(this.deps.leases, this.deps.slots, request);
  }

  /** Whether the worker is handing its runs over: a run read now is not marked running. */
  get handingOver(): boolean {
    return this.handover.signal.aborted;
  }

  /**
   * The session given back (a lease's release or a claim's drop, resolving to how many runs are
   * listed as waiting for it): its next queued run is woken, looked for only when one waits (run-lease.ts).
   */
  async giveBack(sessionId: string, waiting: number | Promise<number>): Promise<void> {
    if ((await waiting) > 0) await this.wakeNext(sessionId);
  }

  /** Wakes the session's next queued run, which waits in the delayed set for its turn. */
  wakeNext(sessionId: string): Promise<void> {
    return wakeNextRun(this.deps, sessionId);
  }

  /**
   * Waits in the delayed set, listed as waiting for the session, until the run ahead ends (or,
   * if no wake comes, RUN_BUSY_RETRY_MS). Listed once delayed, so a wake finds the job there; a
   * session that no run holds by then has no release coming: the job looks again at once unless
   * an earlier run is still to come (its release counts this one).
   */
  private async waitForSession(job: Job, token: string | undefined, run: ScheduledRun): Promise<never> {
    await job.moveToDelayed(Date.now() + this.deps.busyRetryMs, token);
    // Listed until well after its next look, whatever RUN_BUSY_RETRY_MS is: a lapsed listing only loses the wake.
    const held = await this.deps.leases.markWaiting(run.sessionId, run.id, Math.max(MIN_WAITING_TTL_MS, 4 * this.deps.busyRetryMs));
    if (!held && job.id && !(await this.deps.runs.hasEarlierActiveRun(run))) await this.deps.queue.wake(job.id);
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
