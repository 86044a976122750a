/** Runs of one session go one at a time, in the order their messages were sent. */
import type { PrismaClient } from "@mix/db";
import { ACTIVE_RUN_STATUSES } from "../sessions/sessions.service";
import type { RunQueue } from "../queues/run-queue";

/** Whether a run of an earlier turn of the session is still queued or running. */
export async function hasEarlierActiveRun(prisma: PrismaClient, run: { sessionId: string; message: { turn: number } }): Promise<boolean> {
  const earlier = await prisma.run.findFirst({
    where: { sessionId: run.sessionId, status: { in: [...ACTIVE_RUN_STATUSES] }, message: { turn: { lt: run.message.turn } } },
    select: { id: true },
  });
  return earlier !== null;
}

/** Wakes the session's next queued run, which waits in the delayed set for its turn. */
export async function wakeNextRun(prisma: PrismaClient, queue: RunQueue, sessionId: string): Promise<void> {
  const next = await prisma.run.findFirst({ where: { sessionId, status: "queued" }, orderBy: { message: { turn: "asc" } }, select: { id: true } });
  if (next) await queue.wake(next.id);
}
