/**
 * One run per session at a time: a lease key holding the run id and a token of the worker that
 * holds it. It expires unless renewed, so a crashed worker frees the session by itself.
 *
 * After Redis comes back from an outage every lease is checked at once, not at its next renewal:
 * a Redis that lost its data lost the leases too, and another worker may take the run over at
 * any moment, so the run that held it must stop writing now.
 */
import { randomUUID } from "node:crypto";
import type { RedisClient } from "../redis/connection";
import type { RedisKeys } from "../redis/keys";

// KEYS: lease. ARGV: expected value, ttl ms. Renews or releases only our own lease.
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface Lease {
  /** Aborts when the lease is lost (renewal failed): the run must stop writing. */
  lost: AbortSignal;
  release(): Promise<void>;
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
        await this.redis.eval(RELEASE, 1, key, value);
      },
    };
  }
}
