/**
 * One SSE connection's place in its API key's cap on open streams (SSE_MAX_STREAMS_PER_KEY,
 * shared by every instance through Redis): taken before the stream opens, kept alive by the
 * stream's heartbeats, and freed once when the stream ends, however it ends.
 */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { rateLimited, type StreamSlots } from "@mix/core/streaming";

/** Where a failed refresh or release is reported (Nest's Logger and pino both fit). */
export interface SlotLogger {
  warn(details: object, message: string): void;
}

export class StreamSlot {
  private released = false;

  private constructor(
    private readonly slots: StreamSlots,
    private readonly apiKeyId: string,
    private readonly id: string,
    private readonly logger: SlotLogger,
  ) {}

  /** The slot, or a 429 (with Retry-After on `response`) when the key holds its limit of streams. */
  static async take(slots: StreamSlots, apiKeyId: string, response: ServerResponse, logger: SlotLogger): Promise<StreamSlot> {
    const id = randomUUID();
    const result = await slots.acquire(apiKeyId, id);
    if (!result.acquired) {
      response.setHeader("Retry-After", String(result.retryAfterSeconds));
      throw rateLimited(`Too many open streams: at most ${result.limit} per API key at once; close one, or retry after ${result.retryAfterSeconds} s`);
    }
    return new StreamSlot(slots, apiKeyId, id, logger);
  }

  /** On each heartbeat. A failed refresh is only logged: the slot lapses, the stream goes on. */
  refresh(): void {
    if (this.released) return;
    this.slots.refresh(this.apiKeyId, this.id).catch((error: unknown) => this.logger.warn({ err: error }, "could not refresh an SSE stream's slot"));
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    // Not awaited (the stream has ended); a failed release lapses within the slot's TTL.
    this.slots
      .release(this.apiKeyId, this.id)
      .catch((error: unknown) => this.logger.warn({ err: error }, "could not free an SSE stream's slot; it lapses on its own"));
  }
}
