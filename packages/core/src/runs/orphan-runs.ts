/**
 * Runs whose queue job is gone: Postgres says queued or running, but Redis lost the job (a
 * Redis restart without persistence, a flush, a job removed by hand). Nothing would ever run
 * them, and every later message of the session would wait behind them. The sweep enqueues
 * them again (same job id, so a job that does exist is never doubled); a running one resumes
 * from its last stored step like any run taken over from a dead worker.
 */
import type { PrismaClient } from "@mix/db";
import { ACTIVE_RUN_STATUSES } from "../sessions/sessions.service";
import type { RunQueue } from "./run-queue";

/** Younger runs are left alone: their send may still be between the insert and the enqueue. */
export const ORPHAN_MIN_AGE_MS = 2 * 60_000;
const BATCH = 500;

export async function requeueOrphanRuns(deps: { prisma: PrismaClient; queue: RunQueue }, now = new Date()): Promise<{ checked: number; requeued: string[] }> {
  const candidates = await deps.prisma.run.findMany({
    where: { status: { in: [...ACTIVE_RUN_STATUSES] }, createdAt: { lt: new Date(now.getTime() - ORPHAN_MIN_AGE_MS) } },
    select: { id: true, sessionId: true, session: { select: { workspaceId: true } } },
    orderBy: { createdAt: "asc" },
    take: BATCH,
  });
  const requeued: string[] = [];
  for (const run of candidates) {
    if (await deps.queue.has(run.id)) continue;
    await deps.queue.enqueue({ runId: run.id, sessionId: run.sessionId, workspaceId: run.session.workspaceId });
    requeued.push(run.id);
  }
  return { checked: candidates.length, requeued };
}
