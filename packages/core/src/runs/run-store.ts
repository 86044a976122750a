/**
 * The run rows, for everything that drives runs (the processor, the cancel service, the recovery
 * sweep): a run loaded with what executing it needs, its state transitions, and the questions
 * of session order. What a run's loop writes of its steps is in run-step-store.ts.
 */
import type { PrismaClient, RunStatus } from "@mix/db";
import { ACTIVE_RUN_STATUSES } from "../contracts";

export type LoadedRun = NonNullable<Awaited<ReturnType<RunStore["load"]>>>;

export class RunStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** The run with its session and the text of its user message; null when it is gone. */
  load(runId: string) {
    return this.prisma.run.findUnique({
      where: { id: runId },
      include: {
        // The workspace's model preferences come along: one round trip less before the first token.
        session: { include: { workspace: { select: { preferences: true, sandboxNetwork: true } } } },
        message: { include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } } },
      },
    });
  }

  markRunning(runId: string) {
    return this.prisma.run.update({
      where: { id: runId },
      data: { status: "running", startedAt: new Date(), attempts: { increment: 1 } },
    });
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
