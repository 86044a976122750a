/**
 * The run rows, for everything that drives runs (the processor, the cancel service, the recovery
 * sweep): a run loaded with what executing it needs, its state transitions, and the questions
 * of session order. What a run's loop writes of its steps is in run-step-store.ts.
 */
import { Prisma, type PrismaClient, type RunStatus } from "@mix/db";
import { ACTIVE_RUN_STATUSES } from "../contracts";
import { loadRun, type LoadedRunInTurn, type LoadOptions } from "./run-load";

export type { LoadedRun } from "./run-load";

export class RunStore {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * The run with its session (and its workspace's model preferences) and the text of its user
   * message; null when it is gone. `options`: a first start's history comes along, and it is marked running (run-load.ts).
   */
  load(runId: string, options?: LoadOptions): Promise<LoadedRunInTurn | null> {
    return loadRun(this.prisma, runId, options);
  }

  /**
   * `streamingMessageId`: the id the run's first step will stream under, named in the same write.
   * `unlessCancelRequested`: a run whose cancel is stored (or that ended meanwhile) is left as it is. False when nothing was marked.
   */
  async markRunning(runId: string, streamingMessageId?: string, options: { unlessCancelRequested?: boolean } = {}): Promise<boolean> {
    // Raw: it is on the way to the run's first token, where building a model query costs the worker more than the write costs Postgres.
    const guard = options.unlessCancelRequested ? Prisma.sql`AND "cancelRequestedAt" IS NULL AND status IN ('queued', 'running')` : Prisma.empty;
    const count = await this.prisma.$executeRaw`
      UPDATE "Run" SET status = 'running', "startedAt" = ${new Date()}, attempts = attempts + 1,
        "streamingMessageId" = COALESCE(${streamingMessageId ?? null}, "streamingMessageId")
      WHERE id = ${runId} ${guard}`;
    return count > 0;
  }

  finish(runId: string, status: Exclude<RunStatus, "queued" | "running">, error?: string) {
    return this.prisma.run.updateMany({
      where: { id: runId, status: { in: ["queued", "running"] } },
      data: { status, finishedAt: new Date(), error: error ?? null, streamingMessageId: null },
    });
  }

  /** Renames a session, unless its title changed since it was read. */
  async renameSession(sessionId: string, from: string, to: string): Promise<void> {
    await this.prisma.session.updateMany({ where: { id: sessionId, title: from }, data: { title: to } });
  }

  /** Whether a run of an earlier turn of the session is still queued or running. */
  async hasEarlierActiveRun(run: { sessionId: string; turn: number }): Promise<boolean> {
    const earlier = await this.prisma.run.findFirst({
      where: { sessionId: run.sessionId, status: { in: [...ACTIVE_RUN_STATUSES] }, message: { turn: { lt: run.turn } } },
      select: { id: true },
    });
    return earlier !== null;
  }

  /** The session's queued run of the lowest turn: the one whose turn comes next. */
  async nextQueuedRunId(sessionId: string): Promise<string | null> {
    const next = await this.prisma.run.findFirst({ where: { sessionId, status: "queued" }, orderBy: { message: { turn: "asc" } }, select: { id: true } });
    return next?.id ?? null;
  }

  /** Marks every active run of the session as cancel-requested (kept if it was already); returns their ids. */
  async requestCancel(sessionId: string): Promise<string[]> {
    const runs = await this.prisma.run.findMany({ where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } }, select: { id: true } });
    const runIds = runs.map((run) => run.id);
    if (runIds.length > 0) {
      await this.prisma.run.updateMany({ where: { id: { in: runIds }, cancelRequestedAt: null }, data: { cancelRequestedAt: new Date() } });
    }
    return runIds;
  }

  /** The session's active runs with a cancel request, in turn order. */
  cancelRequested(sessionId: string) {
    return this.prisma.run.findMany({
      where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] }, cancelRequestedAt: { not: null } },
      orderBy: { message: { turn: "asc" } },
      select: { id: true, sessionId: true, status: true, streamingMessageId: true, message: { select: { turn: true } } },
    });
  }

  /** Active runs of every session, oldest first, at most `limit` (what the recovery sweep looks at). */
  active(limit: number) {
    return this.prisma.run.findMany({
      where: { status: { in: [...ACTIVE_RUN_STATUSES] } },
      select: { id: true, sessionId: true, status: true, createdAt: true, attempts: true, cancelRequestedAt: true, session: { select: { workspaceId: true } } },
      orderBy: { createdAt: "asc" },
      take: limit,
    });
  }
}
