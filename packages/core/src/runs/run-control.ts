/**
 * Cancel requests from any API instance to whichever worker holds the run: a key (so a worker
 * that picks the run up later still sees it) plus a message on the control channel (so a
 * running run stops at once).
 */
import type { RedisClient } from "../redis/connection";
import { z } from "zod";
import type { Logger } from "../logging/logger";
import type { RedisKeys } from "../redis/keys";

const CANCEL_KEY_TTL_SECONDS = 7 * 24 * 3_600;

const ControlMessage = z.object({ type: z.literal("cancel"), runIds: z.array(z.string()) });
type ControlMessage = z.infer<typeof ControlMessage>;

export class RunControl {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
  ) {}

  async cancel(runIds: string[]): Promise<void> {
    if (runIds.length === 0) return;
    // One SET per run, not a transaction: on a Redis Cluster the runs' keys sit in different slots.
    // The keys are set before the message goes out, so a worker that hears it and looks finds them.
    await Promise.all(runIds.map((runId) => this.redis.set(this.keys.runCancelled(runId), "1", "EX", CANCEL_KEY_TTL_SECONDS)));
    await this.redis.publish(this.keys.controlChannel(), JSON.stringify({ type: "cancel", runIds } satisfies ControlMessage));
  }

  async isCancelled(runId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.runCancelled(runId))) === 1;
  }
}

/** Worker side: routes cancel messages to the runs this process holds. */
export class RunControlListener {
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: RedisKeys,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on("message", (channel: string, message: string) => {
      if (channel === this.keys.controlChannel()) this.handle(message);
    });
    await this.subscriber.subscribe(this.keys.controlChannel());
  }

  /** Registers a run; its controller aborts when a cancel for it arrives. */
  track(runId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    this.active.set(runId, controller);
    return { signal: controller.signal, release: () => this.active.delete(runId) };
  }

  private handle(raw: string): void {
    const parsed = ControlMessage.safeParse(safeJson(raw));
    if (!parsed.success) {
      this.logger.warn({ raw: raw.slice(0, 200) }, "ignoring malformed control message");
      return;
    }
    for (const runId of parsed.data.runIds) this.active.get(runId)?.abort(new RunCancelledError());
  }
}

export class RunCancelledError extends Error {
  override name = "RunCancelledError";
  constructor() {
    super("Run cancelled");
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined; // reported by the schema check that follows
  }
}
