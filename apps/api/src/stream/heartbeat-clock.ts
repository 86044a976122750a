/**
 * One timer for every open stream of the process instead of one each: streams are spread over
 * SLOTS groups, and each tick (every heartbeat interval / SLOTS) beats one group, so 10,000 idle
 * streams cost one interval and their heartbeats go out in small bursts, not all at once. A
 * stream's first heartbeat comes at most one interval after it joins, then one every interval.
 */
const SLOTS = 10;

export interface HeartbeatTarget {
  beat(): void;
}

export class HeartbeatClock {
  private readonly slots: Set<HeartbeatTarget>[] = Array.from({ length: SLOTS }, () => new Set());
  /** The group beaten last: a stream that joins now waits a whole round for its first beat. */
  private cursor = 0;
  private members = 0;
  private timer?: NodeJS.Timeout;

  constructor(private readonly intervalMs: number) {}

  /** Beats `target` every interval until the returned function is called. */
  join(target: HeartbeatTarget): () => void {
    const slot = this.slots[this.cursor]!;
    slot.add(target);
    this.members++;
    this.timer ??= setInterval(() => this.tick(), Math.max(1, Math.round(this.intervalMs / SLOTS))).unref();
    let joined = true;
    return () => {
      if (!joined) return;
      joined = false;
      slot.delete(target);
      if (--this.members > 0) return;
      clearInterval(this.timer);
      this.timer = undefined;
    };
  }

  /** Streams beating on this clock (a test's view of what a closed stream leaves behind). */
  get size(): number {
    return this.members;
  }

  private tick(): void {
    this.cursor = (this.cursor + 1) % SLOTS;
    // A beat may end its stream (a client too slow to read): a Set's iteration survives the delete.
    for (const target of this.slots[this.cursor]!) target.beat();
  }
}
