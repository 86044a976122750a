/**
 * The sweep that makes Postgres the truth about runs whatever Redis loses. Every worker runs it
 * on a timer of its own (not a job scheduler in Redis, which a Redis loss would wipe too), one
 * at a time through a short lock. For each session with active runs that no worker holds (no
 * lease), it ends the runs a client cancelled, re-enqueues the runs whose job is gone (a running
 * one resumes from its last stored step), and fails a run that was started too often.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";
import type { RunLeases } from "./run-lease";
import type { RunQueue } from "../queues/run-queue";
import { RunStore } from "./run-store";
import { endCancelledUnheldRuns } from "./unheld-runs";

const BATCH = 500;
// KEYS: lock. ARGV: token. Releases the lock only if it is still ours.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface RunRecoveryDeps {
  prisma: PrismaClient;
  redis: RedisClient;
  keys: RedisKeys;
  queue: RunQueue;
  leases: RunLeases;
  events: EventLog;
  logger: Logger;
  /** How often the sweep runs (RUN_RECOVERY_INTERVAL_MS). */
  intervalMs: number;
  /** A queued run younger than this may be between its insert and its enqueue: left alone. */
  enqueueGraceMs: number;
  /** Starts after which a run that keeps dying is failed instead of requeued (RUN_MAX_ATTEMPTS). */
  maxAttempts: number;
}

export interface RecoveryOutcome {
  requeued: string[];
  cancelled: number;
  failed: string[];
}

export class RunRecovery {
  private readonly runs: RunStore;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly deps: RunRecoveryDeps) {
    this.runs = new RunStore(deps.prisma);
  }

  start(): void {
    this.timer = setInterval(() => {
      // One sweep at a time in this process too: a slow one is not overtaken by the next tick.
      this.running ??= this.sweep()
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, "run recovery sweep failed; it runs again at the next tick"))
        .finally(() => (this.running = undefined));
    }, this.deps.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep, if no other worker's is running; null when it was not this worker's turn. */
  async sweep(now = new Date()): Promise<RecoveryOutcome | null> {
    const { redis, keys } = this.deps;
    const token = randomUUID();
    // Longer than a sweep takes, so two never overlap; short enough that a dead sweeper's lock goes quickly.
    if ((await redis.set(keys.recoveryLock(), token, "PX", this.deps.intervalMs * 2, "NX")) !== "OK") return null;
    try {
      return await this.recover(now);
    } finally {
      await redis.eval(UNLOCK, 1, keys.recoveryLock(), token);
    }
  }

  private async recover(now: Date): Promise<RecoveryOutcome> {
    const { leases, queue } = this.deps;
    const outcome: RecoveryOutcome = { requeued: [], cancelled: 0, failed: [] };
    const runs = await this.runs.active(BATCH);
    const bySession = new Map<string, typeof runs>();
    for (const run of runs) bySession.set(run.sessionId, [...(bySession.get(run.sessionId) ?? []), run]);
    for (const [sessionId, sessionRuns] of bySession) {
      // A worker holds it: alive, it sees cancels itself and wakes what waits behind it.
      if (await leases.isHeld(sessionId)) continue;
      if (sessionRuns.some((run) => run.cancelRequestedAt)) outcome.cancelled += await endCancelledUnheldRuns(this.deps, sessionId);
      for (const run of sessionRuns) {
        if (run.cancelRequestedAt) continue;
        if (run.status === "queued" && now.getTime() - run.createdAt.getTime() < this.deps.enqueueGraceMs) continue;
        if (run.attempts >= this.deps.maxAttempts) {
          if (await this.fail(run.id, sessionId, run.attempts)) outcome.failed.push(run.id);
          continue;
        }
        if (await queue.requeueIfLost({ runId: run.id, sessionId, workspaceId: run.session.workspaceId })) outcome.requeued.push(run.id);
      }
    }
    if (outcome.requeued.length > 0 || outcome.cancelled > 0 || outcome.failed.length > 0) {
      this.deps.logger.warn({ ...outcome }, "recovered runs no worker held (lost jobs, dead workers, cancels)");
    }
    return outcome;
  }

  private async fail(runId: string, sessionId: string, attempts: number): Promise<boolean> {
    const reason = `The run was started ${attempts} times without finishing (its worker kept stopping); it was given up.`;
    if ((await this.runs.finish(runId, "failed", reason)).count === 0) return false;
    await this.deps.events.append(sessionId, "error", { type: "run_failed", error: reason });
    return true;
  }
}
