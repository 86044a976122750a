/**
 * Cancelling a session's processing: the running run stops within a moment, and runs still
 * queued behind it end as cancelled when their turn comes, in order, each with its own
 * `complete` event of type "cancelled".
 */
import type { PrismaClient } from "@mix/db";
import type { CancelResponse } from "../contracts";
import { ACTIVE_RUN_STATUSES, type SessionsService } from "../sessions/sessions.service";
import type { RunControl } from "./run-control";

export class CancelService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
    private readonly control: RunControl,
  ) {}

  async cancel(workspaceId: string, sessionId: string): Promise<CancelResponse> {
    await this.sessions.require(workspaceId, sessionId);
    const runs = await this.prisma.run.findMany({
      where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } },
      select: { id: true },
    });
    await this.control.cancel(runs.map((run) => run.id));
    return { cancelled: runs.length > 0 };
  }
}
