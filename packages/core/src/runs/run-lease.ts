/**
 * One run per session at a time: a lease key holding the run id and a token of the worker that
 * holds it. It expires unless renewed, so a crashed worker frees the session by itself.
 *
 * A run that steps back to wait for the session lists itself as waiting (markWaiting), and a
 * release says how many are listed, in the same script: a run ending on a session nobody waits
 * for (the common case) need not ask Postgres for the session's next run. Whichever of the two
 * scripts comes first, no waiter is missed: listed before the release, it is counted; after it,
 * markWaiting finds the lease free and the waiter looks for itself (RunScheduling).
 *
 * After Redis comes back from an outage every lease is checked at once, not at its next renewal:
 * a Redis that lost its data lost the leases too, and another worker may take the run over at
 * any moment, so the run that held it must stop writing now.
 */
import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";

// KEYS: lease. ARGV: expected value, ttl ms. Renews only our own lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
// KEYS: lease, waiting. ARGV: expected value, run id. Releases only our own lease; the run waits no more; returns how many others do.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
redis.call('SREM', KEYS[2], ARGV[2])
return redis.call('SCARD', KEYS[2])`;
// KEYS: waiting, lease. ARGV: run id, ttl ms. Lists the run as waiting; returns whether the lease is held.
const MARK_WAITING = `
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return redis.call('EXISTS', KEYS[2])`;
/** A waiting run lists itself again at each look (RUN_BUSY_RETRY_MS): a listing left by a run that went away lapses. */
export const MIN_WAITING_TTL_MS = 60_000;

export interface Lease {
  /** Aborts when the lease is lost (renewal failed): the run must stop writing. */
  lost: AbortSignal;
  /** Resolves to how many other runs are listed as waiting for the session. */
  release(): Promise<number>;
}

export class RunLeases {
  private readonly renewers = new Set<() => void>();
  private disconnected = false;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {
    redis.on("close", () => (this.disconnected = true));
    redis.on("ready", () => {
      if (!this.disconnected) return;
      this.disconnected = false;
      for (const renew of this.renewers) renew();
    });
  }

  /** Whether a run holds the session now (any run, any worker). */
  async isHeld(sessionId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.runLease(sessionId))) === 1;
  }

  /**
   * Lists the run as waiting for the session, once its job has stepped back; false when no run
   * holds the session now (no release is coming to count it).
   */
  async markWaiting(sessionId: string, runId: string, ttlMs = MIN_WAITING_TTL_MS): Promise<boolean> {
    return (await this.redis.eval(MARK_WAITING, 2, this.keys.runsWaiting(sessionId), this.keys.runLease(sessionId), runId, ttlMs)) === 1;
  }

  /** Takes the session's lease for `runId`, or returns null when another run holds it. */
  async acquire(sessionId: string, runId: string): Promise<Lease | null> {
    const key = this.keys.runLease(sessionId);
    const value = `${runId}:${randomUUID()}`;
    if ((await this.redis.set(key, value, "PX", this.ttlMs, "NX")) !== "OK") return null;

    const lost = new AbortController();
    let renewedAt = Date.now();
    const renew = () => {
      this.redis
        .eval(RENEW, 1, key, value, this.ttlMs)
        .then((renewed) => {
          if (renewed === 1) renewedAt = Date.now();
          else lost.abort(new Error("run lease taken over or lost with Redis"));
        })
        // A passing Redis error is tolerated until the lease could actually have expired.
        .catch((error: unknown) => Date.now() - renewedAt >= this.ttlMs && lost.abort(error));
    };
    const timer = setInterval(renew, Math.max(250, Math.floor(this.ttlMs / 3)));
    timer.unref();
    this.renewers.add(renew);

    return {
      lost: lost.signal,
      release: async () => {
        clearInterval(timer);
        this.renewers.delete(renew);
        return Number(await this.redis.eval(RELEASE, 2, key, this.keys.runsWaiting(sessionId), value, runId));
      },
    };
  }
}
