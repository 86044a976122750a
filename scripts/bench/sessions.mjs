// One benchmarked session: its SSE connection, its messages and the timings of each round.
import { performance } from "node:perf_hooks";
import { openSse, postJson } from "./http.mjs";

/** Per-session state: its SSE connection and the timings of each of its rounds. */
export function createSession(index) {
  return { index, id: undefined, sse: undefined, rounds: [], current: undefined };
}

/** Counts every session-log event (not `connected`/heartbeats) and times the current round. */
function handleEvent(session, stats, frame, receivedAt) {
  if (frame.event === "connected" || frame.event === "heartbeat") return;
  stats.runEvents++;
  const round = session.current;
  if (!round) return;
  if (frame.event === "content") {
    round.contentEvents++;
    round.firstContentAt ??= receivedAt;
  } else if (frame.event === "tool_execution_complete") {
    round.toolCompleteAt ??= receivedAt;
  } else if (frame.event === "complete" || frame.event === "error") {
    round.completeAt = receivedAt;
    const payload = JSON.parse(frame.data);
    round.outcome = frame.event === "error" ? `error: ${payload.error}` : payload.type;
    session.current = undefined;
    round.finished();
  }
}

export async function connectSession(stack, session, stats) {
  const created = await postJson(stack, "/api/sessions", { title: `bench ${session.index}` });
  session.id = created.id;
  session.sse = await openSse(stack, session.id, (frame, receivedAt) => handleEvent(session, stats, frame, receivedAt));
}

/** The scripted model calls the tool a `@tool` line names. */
const TOOL_DIRECTIVES = { list_directory: "\n@tool list_directory {}", bash: '\n@tool Bash {"command":"echo bench"}' };

export async function runSession(stack, session, rounds, stats, tools) {
  for (let r = 0; r < rounds; r++) {
    const round = { contentEvents: 0, postAt: 0, acceptedAt: 0, firstContentAt: undefined, completeAt: undefined, outcome: undefined };
    const finished = new Promise((resolve) => (round.finished = resolve));
    session.rounds.push(round);
    session.current = round;
    round.postAt = performance.now();
    try {
      const text = `benchmark message ${r + 1} of session ${session.index}${tools ? TOOL_DIRECTIVES[tools] : ""}`;
      await postJson(stack, `/api/sessions/${session.id}/messages`, { text });
    } catch (error) {
      // A refused message is a result, not a crash: record it and stop this session.
      round.outcome = `send failed: ${error.message}`;
      session.current = undefined;
      return;
    }
    round.acceptedAt = performance.now();
    await finished;
  }
}

/**
 * `rounds` runs one after another on a session of their own, before the run phase and outside
 * its figures: the floor benchmark (shared/bench/floor.mjs) warms up so before its concurrent
 * phase, so a ratio against it compares warm processes with warm processes.
 */
export async function warmUp(stack, rounds) {
  const session = createSession(-1);
  await connectSession(stack, session, { runEvents: 0 });
  try {
    await runSession(stack, session, rounds, { runEvents: 0 }, null);
    const failed = session.rounds.find((round) => round.outcome !== "complete");
    if (failed) throw new Error(`a warm-up run did not complete (${failed.outcome})`);
  } finally {
    session.sse.close();
  }
}
