/**
 * A run's outcome, duration and time to first token, read off the events its attempt emits:
 * the run's `complete` says how it ended, its first `content` is its first token. A run that
 * failed emits no `complete`; its attempt says so with `failed()`.
 */
import type { EventName, EventPayload } from "../contracts";
import { runDuration, runFirstToken, runsFinished } from "./metrics";

type Emit = <E extends EventName>(event: E, data: EventPayload<E>) => Promise<unknown>;

/** The type of a run's `complete` event, as an outcome label. */
const OUTCOME_OF_COMPLETE: Record<string, string> = { complete: "completed" };

export interface RunMeter {
  /** The same emit, watched. */
  watch(emit: Emit): Emit;
  /** The attempt failed the run (its model, or an error of the run itself). */
  failed(): void;
}

/** Ends a run not through its attempt (abandoned after its job's last failure). `startedAt`: its first start, if it started. */
export function recordRunEnd(outcome: string, startedAt: Date | null): void {
  runsFinished.inc({ outcome });
  if (startedAt) runDuration.observe({ outcome }, Math.max(0, Date.now() - startedAt.getTime()) / 1000);
}

/** `startedAt`: when an earlier attempt started the run (null on its first start), so a resumed run is timed whole. */
export function meterRun(startedAt: Date | null): RunMeter {
  const attemptStartedAt = performance.now();
  const runStartedAt = startedAt ?? new Date();
  let firstToken = false;
  let ended = false;
  const end = (outcome: string) => {
    if (ended) return;
    ended = true;
    recordRunEnd(outcome, runStartedAt);
  };
  return {
    watch: (emit) => (event, data) => {
      if (event === "content" && !firstToken) {
        firstToken = true;
        runFirstToken.observe((performance.now() - attemptStartedAt) / 1000);
      }
      if (event === "complete") {
        const type = String((data as { type?: unknown }).type ?? "complete");
        end(OUTCOME_OF_COMPLETE[type] ?? type);
      }
      return emit(event, data);
    },
    failed: () => end("failed"),
  };
}
