/**
 * A cap on the runs of a workspace executing at once, across every worker. A run holds one of
 * its workspace's slots while it executes: a member of the workspace's sorted set, scored by when
 * it lapses and renewed while the run lives, so the slot of a worker that died lapses by itself
 * (as a session's lease does, run-lease.ts). A run that finds every slot taken is listed as
 * waiting and steps back into the delayed set, holding no worker; when a slot frees, the longest
 * waiting run is woken. A waiter whose wake went missing (its worker died holding a slot) looks
 * again by itself after about a lease's time. Times are Redis's own clock, the same for every worker.
 */
import { randomUUID } from "node:crypto";
import type { PrismaClient } from "@mix/db";
import type { RedisClient } from "../redis/connection";
import type { Config } from "../config/config";
import type { Logger } from "../logging/logger";
import type { RunQueue } from "../queues/run-queue";
import type { RedisKeys } from "../redis/keys";
import { PlanCatalog } from "../plans/plan-catalog";
import { WorkspaceCaps } from "./workspace-caps";

const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
// KEYS: slots, waiting. ARGV: holder, run id, cap, ttl ms, waiting order, waiting ttl ms.
// Takes a slot (and the run stops waiting), or lists the run as waiting; 1 when taken. A slot
// the run itself still holds is an earlier attempt's, on a worker that died (the run holds its
// session's lease now): it is taken over, so a resumed run does not wait for it to lapse.
const TAKE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local own = ARGV[2] .. ':'
for _, holder in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(holder, 1, #own) == own then redis.call('ZREM', KEYS[1], holder) end
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  redis.call('ZREM', KEYS[2], ARGV[2])
  return 1
end
redis.call('ZADD', KEYS[2], 'NX', ARGV[5], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 0`;
// KEYS: slots. ARGV: holder, ttl ms. Also puts back a holder Redis lost: the run still executes.
const RENEW = `${NOW}
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`;
// KEYS: slots. ARGV: cap. 1 when a slot is free.
const FREE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then return 1 else return 0 end`;

/** A waiter list lives this long after its last waiter came (its entries are ended runs by then). */
const WAITING_TTL_MS = 24 * 3_600_000;
/** Waiters looked at for one freed slot: those whose job is gone are dropped on the way. */
const WAKE_SCAN = 20;

export interface WorkspaceSlot {
  /** Frees the slot and wakes the workspace's longest waiting run. */
  release(): Promise<void>;
}

const NO_CAP: WorkspaceSlot = { release: async () => undefined };

export interface WorkspaceSlotsDeps {
  redis: RedisClient;
  keys: RedisKeys;
  queue: Pick<RunQueue, "wakeWaiting">;
  caps: Pick<WorkspaceCaps, "of">;
  /** How long a slot outlives its last renewal (RUN_LEASE_MS, as a session's lease). */
  ttlMs: number;
  logger: Logger;
}

export class WorkspaceSlots {
  private readonly renewers = new Set<() => void>();
  private disconnected = false;

  constructor(private readonly deps: WorkspaceSlotsDeps) {
    // Back from an outage, every slot is written again at once: a Redis that lost its data lost them too.
    deps.redis.on("close", () => (this.disconnected = true));
    deps.redis.on("ready", () => {
      if (!this.disconnected) return;
      this.disconnected = false;
      for (const renew of this.renewers) renew();
    });
  }

  /** The workspace's cap on runs executing at once; null: none. */
  capOf(workspaceId: string): Promise<number | null> {
    return this.deps.caps.of(workspaceId);
  }

  /**
   * A slot of the workspace for the run (one that frees nothing when there is no cap), or null
   * when `cap` runs of it hold one: the run is then listed as waiting, in `order` (oldest first).
   */
  async take(workspaceId: string, runId: string, cap: number | null, order: number): Promise<WorkspaceSlot | null> {
    if (cap === null) return NO_CAP;
    const { redis, keys, ttlMs } = this.deps;
    const key = keys.workspaceRunSlots(workspaceId);
    const holder = `${runId}:${randomUUID()}`;
    if ((await redis.eval(TAKE, 2, key, keys.workspaceRunsWaiting(workspaceId), holder, runId, cap, ttlMs, order, WAITING_TTL_MS)) !== 1) return null;

    const renew = () => {
      redis
        .eval(RENEW, 1, key, holder, ttlMs)
        // A missed renewal is taken up by the next; the slot lapses only if they all fail.
        .catch((error: unknown) => this.deps.logger.warn({ err: error, workspaceId, runId }, "could not renew a workspace run slot"));
    };
    const timer = setInterval(renew, Math.max(250, Math.floor(ttlMs / 3)));
    timer.unref();
    this.renewers.add(renew);
    return {
      release: async () => {
        clearInterval(timer);
        this.renewers.delete(renew);
        await redis.zrem(key, holder);
        await this.wakeWaiting(workspaceId);
      },
    };
  }

  /** Whether the workspace has a free slot now. */
  async hasFree(workspaceId: string, cap: number | null): Promise<boolean> {
    if (cap === null) return true;
    return (await this.deps.redis.eval(FREE, 1, this.deps.keys.workspaceRunSlots(workspaceId), cap)) === 1;
  }

  /** How long a waiting run stays delayed when no wake comes: a lease's time, spread so waiters do not all look at once. */
  retryDelayMs(): number {
    return Math.round(this.deps.ttlMs * (1 + Math.random() / 2));
  }

  /**
   * Wakes the longest waiting run whose job waits in the delayed set. Waiters already back in
   * line are passed over (they take a slot when a worker picks them, or wait again; one on its
   * way into the delayed set looks for a free slot once there); those whose job is gone or
   * finished are dropped.
   */
  private async wakeWaiting(workspaceId: string): Promise<void> {
    const { redis, keys, queue, logger } = this.deps;
    const waitingKey = keys.workspaceRunsWaiting(workspaceId);
    try {
      for (const runId of await redis.zrange(waitingKey, 0, String(WAKE_SCAN - 1))) {
        const outcome = await queue.wakeWaiting(runId);
        if (outcome !== "queued") await redis.zrem(waitingKey, runId);
        if (outcome === "woken") return;
      }
    } catch (error) {
      // The run is over and its slot free: a waiter not woken now looks again by itself.
      logger.warn({ err: error, workspaceId }, "could not wake a run waiting for a workspace slot");
    }
  }
}

/** The slots of a worker process, capped by the plans (PLANS_FILE) and WORKSPACE_MAX_CONCURRENT_RUNS. */
export function workspaceSlotsFor(
  config: Pick<Config, "PLANS_FILE" | "WORKSPACE_MAX_CONCURRENT_RUNS" | "RUN_LEASE_MS">,
  deps: Omit<WorkspaceSlotsDeps, "caps" | "ttlMs"> & { prisma: PrismaClient },
): WorkspaceSlots {
  const caps = new WorkspaceCaps(deps.prisma, PlanCatalog.load(config.PLANS_FILE), config.WORKSPACE_MAX_CONCURRENT_RUNS ?? null);
  return new WorkspaceSlots({ ...deps, caps, ttlMs: config.RUN_LEASE_MS });
}
