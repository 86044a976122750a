/**
 * A model step's events without a round trip each: every emit starts at once, in order (the
 * event log appends a session's events in the order they come, and sends those queued behind
 * the append in flight together), and the step waits only when `limit` are unsettled or when it
 * ends. A failed emit fails the next one and the end, as awaiting each would have, a few
 * events later; the events after it are refused by the log too, so none is delivered after a gap.
 */
import type { EventName, EventPayload } from "../contracts";
import type { Emit } from "./model-step";

/** Events of a step in flight at most before the stream waits for the oldest. */
export const EMIT_WINDOW = 64;

export class EmitWindow {
  private readonly pending: Promise<unknown>[] = [];
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly emitNow: Emit,
    private readonly limit = EMIT_WINDOW,
  ) {}

  /** Resolves as soon as the event is under way (when the window has room). */
  readonly emit: Emit = async <E extends EventName>(event: E, data: EventPayload<E>) => {
    this.throwIfFailed();
    const sent = this.emitNow(event, data).catch((error: unknown) => {
      this.failure ??= { error };
    });
    this.pending.push(sent);
    if (this.pending.length > this.limit) await this.pending.shift();
    this.throwIfFailed();
    return undefined;
  };

  /** Waits for every event; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Waits for every event, whatever became of them. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await this.pending.shift();
  }
}
