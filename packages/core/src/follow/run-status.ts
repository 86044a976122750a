/** A run's status as a follower needs it: whether more of it can still be logged, and how it ended. */
import type { PrismaClient, RunStatus } from "@mix/db";
import { isActiveRunStatus } from "../contracts";

export interface RunStatusView {
  status: RunStatus;
  error: string | null;
  /** Completed, failed or cancelled: nothing more of it will be logged. */
  finished: boolean;
}

/** The run of a session of the workspace (its id is its user message's), or null. */
export async function findRunStatus(prisma: PrismaClient, workspaceId: string, sessionId: string, runId: string): Promise<RunStatusView | null> {
  const run = await prisma.run.findFirst({ where: { id: runId, sessionId, session: { workspaceId } }, select: { status: true, error: true } });
  return run ? { ...run, finished: !isActiveRunStatus(run.status) } : null;
}
