/**
 * Ends the cancelled runs of a session that no worker holds: a worker that holds the session
 * sees a cancel by itself, but a run whose worker died, or whose job Redis lost, would
 * otherwise stay queued or running until something picked it up again.
 */
import type { PrismaClient } from "@mix/db";
import type { Emit } from "../agent/model-step";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RunQueue } from "../queues/run-queue";
import { closeDeadAttempt } from "./dead-attempt";
import type { RunLeases } from "./run-lease";
import { RunStepStore } from "./run-step-store";
import { wakeNextRun } from "./run-scheduling";
import { RunStore } from "./run-store";

export interface UnheldRunsDeps {
  prisma: PrismaClient;
  leases: RunLeases;
  events: EventLog;
  logger: Logger;
  /** Wakes a run that stepped back to wait for the session while this held it. */
  queue: Pick<RunQueue, "wake">;
}

/**
 * Takes the session's lease (so no worker starts one of its runs meanwhile), then finishes each
 * active run with a cancel request as cancelled, in turn order, each with its `complete`; a run
 * that found the session taken meanwhile (sent right after the cancel) is woken once it is free,
 * as a worker's release wakes it. Returns how many it ended; 0 when a worker holds the session
 * (it ends them itself).
 */
export async function endCancelledUnheldRuns(deps: UnheldRunsDeps, sessionId: string): Promise<number> {
  const lease = await deps.leases.acquire(sessionId, "cancel");
  if (!lease) return 0;
  const runs = new RunStore(deps.prisma);
  const steps = new RunStepStore(deps.prisma);
  let ended = 0;
  let waiting: number;
  try {
    const cancelled = await runs.cancelRequested(sessionId);
    const emit: Emit = (event, data) => deps.events.append(sessionId, event, data);
    for (const run of cancelled) {
      // A run its worker lost mid-way: what that attempt left open is closed first.
      if (run.status === "running") await closeDeadAttempt({ steps, events: deps.events, logger: deps.logger }, { ...run, turn: run.message.turn }, emit);
      if ((await runs.finish(run.id, "cancelled")).count === 0) continue;
      await deps.events.append(sessionId, "complete", { type: "cancelled", done: true, messageId: run.id });
      ended++;
    }
  } finally {
    waiting = await lease.release();
  }
  if (waiting > 0) await wakeNextRun({ runs, queue: deps.queue }, sessionId);
  return ended;
}
