/**
 * The cap on the sessions a workspace holds (its plan's maxSessions, else the deployment's
 * MAX_SESSIONS_PER_WORKSPACE; none by default). Sessions a client makes count: created, forked,
 * a chat's new conversation. Subagent sessions do not: the agent starts them inside a run the
 * cap already let in, they go when their parent goes, and refusing one would fail a tool call
 * halfway through a run. One more than the cap answers 403 with reason quota_exceeded.
 *
 * Two creates at the last free slot must not both pass: under a cap, a create runs in a
 * transaction holding the workspace's advisory lock while it counts and inserts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Prisma, PrismaClient } from "@mix/db";
import { conflict, forbidden } from "../errors/app-error";

/** The workspace's cap, or null for none. */
export type SessionCap = (workspaceId: string) => Promise<number | null>;

type Db = Prisma.TransactionClient;
type TransactionOptions = { isolationLevel?: Prisma.TransactionIsolationLevel; timeout?: number };

/** How often a snapshot transaction retries when another create holds the lock (a few ms each). */
const SNAPSHOT_ATTEMPTS = 100;

class LockBusy extends Error {}

export const sessionQuotaExceeded = (cap: number) =>
  forbidden(`Session limit reached: this workspace may hold at most ${cap} session${cap === 1 ? "" : "s"}; delete one to create another`, "quota_exceeded");

export class SessionQuota {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly cap: SessionCap = async () => null,
  ) {}

  /** Runs `create` within the cap: without one as it is, under one in a transaction holding the workspace's lock. */
  async create<T>(workspaceId: string, create: (db: Db) => Promise<T>): Promise<T> {
    const cap = await this.cap(workspaceId);
    if (cap === null) return create(this.prisma);
    return this.prisma.$transaction(async (tx) => {
      // Read committed: the count after the lock sees every session committed before it was granted.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${lockName(workspaceId)}, 0))`;
      await this.refuseAtCap(tx, workspaceId, cap);
      return create(tx);
    });
  }

  /**
   * As create(), for work that reads one snapshot (a repeatable read transaction: the fork).
   * Its snapshot is taken by its first statement, so it must not wait for the lock: a session
   * committed meanwhile would be missing from its count. It takes the lock without waiting, or
   * starts over.
   */
  async createInSnapshot<T>(workspaceId: string, work: (tx: Db) => Promise<T>, options: TransactionOptions): Promise<T> {
    const cap = await this.cap(workspaceId);
    if (cap === null) return this.prisma.$transaction(work, options);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.prisma.$transaction(async (tx) => {
          const [{ locked }] = await tx.$queryRaw<[{ locked: boolean }]>`
            SELECT pg_try_advisory_xact_lock(hashtextextended(${lockName(workspaceId)}, 0)) AS locked`;
          if (!locked) throw new LockBusy();
          await this.refuseAtCap(tx, workspaceId, cap);
          return work(tx);
        }, options);
      } catch (error) {
        if (!(error instanceof LockBusy)) throw error;
        if (attempt >= SNAPSHOT_ATTEMPTS) throw conflict("Sessions of this workspace are being created too fast to count; retry");
        await sleep(2 + Math.random() * 8);
      }
    }
  }

  private async refuseAtCap(db: Db, workspaceId: string, cap: number): Promise<void> {
    const held = await db.session.count({ where: { workspaceId, sessionType: { not: "subagent" } } });
    if (held >= cap) throw sessionQuotaExceeded(cap);
  }
}

const lockName = (workspaceId: string) => `mix:sessions:${workspaceId}`;
