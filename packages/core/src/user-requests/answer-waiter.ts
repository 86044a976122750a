/**
 * The worker side of every request a run waits on: shows the request, then waits for its answer
 * from any API instance, its timeout, or the run's cancel, whichever comes first. Answers arrive
 * on one channel that each process subscribes to once (routed here by request id); the decision
 * is kept on the request itself, so an answer whose message this process missed is still found.
 */
import type { RedisClient } from "../redis/connection";
import type { Logger } from "../logging/logger";
import { measureUserRequestWait } from "../metrics/record";
import type { RedisKeys } from "../redis/keys";
import { PENDING_TTL_MARGIN_MS, UserRequestStore, type CreateUserRequest, type UserRequestRecord } from "./user-request-store";

export interface AnswerWaiterDeps {
  redis: RedisClient;
  /** A connection of its own for subscribing, owned by the caller (it may also carry other channels). */
  subscriber: RedisClient;
  keys: RedisKeys;
  logger: Logger;
  /**
   * How often a waiting request re-reads its decision (default 5 s). Pub/sub delivers at most
   * once: a message lost while the subscriber reconnects would otherwise leave the run waiting
   * until the timeout.
   */
  recheckMs?: number;
}

export interface AskOptions {
  /** The request to store, without its ttl (it outlives the timeout a little). */
  request: Omit<CreateUserRequest, "ttlMs">;
  /** Shows the request, once it is stored (an event on the session's stream); resolves with the event's id. */
  show(): Promise<number>;
  timeoutMs: number;
  signal: AbortSignal;
}

const DEFAULT_RECHECK_MS = 5_000;

export class AnswerWaiter {
  readonly store: UserRequestStore;
  /** Requests this process waits for, by id: told to look at the request again. */
  private readonly waiting = new Map<string, () => void>();
  private started = false;

  constructor(private readonly deps: AnswerWaiterDeps) {
    this.store = new UserRequestStore(deps.redis, deps.keys);
  }

  async start(): Promise<void> {
    if (this.started) return;
    const channel = this.deps.keys.userRequestAnswersChannel();
    this.deps.subscriber.on("message", (from: string, message: string) => {
      if (from === channel) this.handle(message);
    });
    await this.deps.subscriber.subscribe(channel);
    this.started = true;
  }

  get isStarted(): boolean {
    return this.started;
  }

  /**
   * Stores the request, shows it, and resolves with the settled record: answered, or "timeout".
   * Rejects with `signal.reason` when the run is cancelled (the request is settled "cancelled").
   */
  async ask(options: AskOptions): Promise<UserRequestRecord> {
    if (!this.started) throw new Error("AnswerWaiter.start() must finish before ask()");
    options.signal.throwIfAborted();
    const { id } = options.request;
    // Listening starts before the request exists, so no answer to it can come unheard.
    let nudge: () => void = () => undefined;
    this.waiting.set(id, () => nudge());
    try {
      const { request } = options;
      const ttlMs = options.timeoutMs + PENDING_TTL_MARGIN_MS;
      await this.store.create({ ...request, ttlMs });
      const eventId = await options.show();
      if (request.listed) await this.store.listShown({ kind: request.kind, id, streamSessionId: request.owner.streamSessionId }, eventId, ttlMs);
      return await measureUserRequestWait(request.kind, () => this.waitForDecision(options, (listener) => (nudge = listener)));
    } finally {
      this.waiting.delete(id);
    }
  }

  private waitForDecision(options: AskOptions, onNudge: (listener: () => void) => void): Promise<UserRequestRecord> {
    const { request, signal } = options;
    const ref = { kind: request.kind, id: request.id, streamSessionId: request.owner.streamSessionId };
    return new Promise<UserRequestRecord>((resolve, reject) => {
      let done = false;
      const finish = (record: UserRequestRecord) => {
        if (done) return;
        done = true;
        cleanup();
        resolve(record);
      };
      const fail = (error: unknown) => {
        if (done) return;
        done = true;
        cleanup();
        reject(error);
      };
      const recheck = () =>
        this.store.get(ref.kind, ref.id).then((record) => {
          if (record && record.status !== "pending") finish(record);
        }, fail);

      const onAbort = () => {
        done = true;
        cleanup();
        // Settled so a late answer learns the run moved on; the cancel itself must not wait on Redis.
        this.store.settle(ref, "cancelled").catch((error: unknown) => this.deps.logger.warn({ err: error, ...ref }, "could not mark a request cancelled"));
        reject(signal.reason);
      };
      const timer = setTimeout(() => {
        // Whoever settles first wins: an answer that landed just now still counts.
        // A request Redis lost meanwhile timed out all the same: nobody can answer it any more.
        this.store.settle(ref, "timeout").then(({ record }) => finish(record ?? lostRecord(request)), fail);
      }, options.timeoutMs);
      const poll = setInterval(() => void recheck(), this.deps.recheckMs ?? DEFAULT_RECHECK_MS);
      const cleanup = () => {
        clearTimeout(timer);
        clearInterval(poll);
        signal.removeEventListener("abort", onAbort);
      };

      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) return onAbort();
      onNudge(() => void recheck());
      // An answer given before this process was subscribed (or while it reconnected) is on the request.
      void recheck();
    });
  }

  /** A message only says "look again": the request's hash holds the answer, so a forged status changes nothing. */
  private handle(raw: string): void {
    const id = answerId(raw);
    if (id === undefined) {
      this.deps.logger.warn({ raw: raw.slice(0, 200) }, "ignoring malformed answer message");
      return;
    }
    this.waiting.get(id)?.();
  }
}

function lostRecord(request: AskOptions["request"]): UserRequestRecord {
  return { ...request.owner, kind: request.kind, id: request.id, status: "timeout", fields: request.fields, event: request.event, createdAt: 0 };
}

function answerId(raw: string): string | undefined {
  try {
    const message = JSON.parse(raw) as { id?: unknown };
    return typeof message?.id === "string" ? message.id : undefined;
  } catch {
    return undefined;
  }
}
