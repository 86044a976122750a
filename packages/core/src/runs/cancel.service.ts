/**
 * Cancelling a session's processing: the running run stops within a moment, and runs still
 * queued behind it end as cancelled when their turn comes, in order, each with its own
 * `complete` event of type "cancelled".
 *
 * The request is stored in Postgres first, so it holds even if Redis is down or loses it. Then
 * the worker holding the run is told through Redis; runs no worker holds (their worker died,
 * Redis lost their job) are ended here at once. If Redis cannot be reached in time, the workers'
 * recovery sweep ends them once it is back.
 */
import type { PrismaClient } from "@mix/db";
import type { CancelResponse } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import type { RunQueue } from "../queues/run-queue";
import { REDIS_DEADLINE_MS, withDeadline } from "../redis/deadline";
import type { SessionsService } from "../sessions/sessions.service";
import type { RunControl } from "./run-control";
import type { RunLeases } from "./run-lease";
import { RunStore } from "./run-store";
import { endCancelledUnheldRuns } from "./unheld-runs";

export interface CancelServiceDeps {
  prisma: PrismaClient;
  sessions: SessionsService;
  control: RunControl;
  leases: RunLeases;
  events: EventLog;
  logger: Logger;
  /** Wakes a run sent right after the cancel, which waited for the session while the cancel held it. */
  queue: Pick<RunQueue, "wake">;
}

export class CancelService {
  private readonly runs: RunStore;

  constructor(private readonly deps: CancelServiceDeps) {
    this.runs = new RunStore(deps.prisma);
  }

  async cancel(workspaceId: string, sessionId: string): Promise<CancelResponse> {
    const { sessions, control, logger } = this.deps;
    await sessions.require(workspaceId, sessionId);
    const runIds = await this.runs.requestCancel(sessionId);
    if (runIds.length === 0) return { cancelled: false };
    try {
      await withDeadline(control.cancel(runIds), REDIS_DEADLINE_MS);
      await withDeadline(endCancelledUnheldRuns(this.deps, sessionId), REDIS_DEADLINE_MS);
    } catch (error) {
      logger.warn({ err: error, sessionId, runIds }, "cancel stored, but Redis did not answer; the recovery sweep ends the runs");
    }
    return { cancelled: true };
  }
}
