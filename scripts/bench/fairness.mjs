// Fairness mode (`pnpm bench -- --fairness [--flood=500 --flood-sessions=S --quiet=10]`): how long
// does a quiet workspace wait for its answer while another workspace floods the queue?
//
// Workspace B sends `quiet` messages one at a time in one session (each waits for its
// `complete`), first alone, then again in a new session right after workspace A has sent `flood`
// messages at once over `flood-sessions` sessions (default: one message per session). The
// report gives B's POST → first content with and without the flood, A's drain time (A's first
// POST to its last `complete`), and how much of A's flood was still unfinished while B sent.
// Without fair scheduling B's first message would wait for most of A's backlog; with it, for
// about one run.
import { performance } from "node:perf_hooks";
import { openSse, postJson } from "./http.mjs";
import { distribution } from "./report.mjs";
import { connectSession, createSession, runSession } from "./sessions.mjs";
import { startStack } from "./stack.mjs";

/** A's sessions: each counts its own completes; the flood is over when all are in. */
async function connectFlood(client, count, flood) {
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const created = await postJson(client, "/api/sessions", { title: `flood ${index}` });
      const session = { id: created.id, expected: 0, completes: [], firstContents: [] };
      session.sse = await openSse(client, session.id, (frame, receivedAt) => {
        if (frame.event === "content" && session.firstContents.length === session.completes.length) session.firstContents.push(receivedAt);
        // A run ends with its `complete`, or with a `run_failed` error (other errors do not end it).
        const ended = frame.event === "complete" || (frame.event === "error" && JSON.parse(frame.data).type === "run_failed");
        if (!ended) return;
        session.completes.push({ at: receivedAt, ok: frame.event === "complete" && JSON.parse(frame.data).type === "complete" });
        flood.ended(receivedAt);
      });
      return session;
    }),
  );
}

/** Every message of A at once; resolves when the API has accepted all of them (A's runs go on). */
async function sendFlood(client, sessions, flood) {
  const sends = [];
  for (let i = 0; i < flood.expected; i++) {
    const session = sessions[i % sessions.length];
    session.expected++;
    const text = `flood message ${session.expected} of session ${sessions.indexOf(session)}`;
    sends.push(
      postJson(client, `/api/sessions/${session.id}/messages`, { text }).catch((error) => {
        flood.refused.push(error.message);
        flood.ended(performance.now());
      }),
    );
  }
  flood.postAt = performance.now();
  await Promise.all(sends);
  flood.acceptedAt = performance.now();
}

/** B's messages, one at a time in a new session; the rounds carry their timings (sessions.mjs). */
async function quietRounds(client, index, rounds, stats) {
  const session = createSession(index);
  await connectSession(client, session, stats);
  try {
    await runSession(client, session, rounds, stats, null);
  } finally {
    session.sse?.close();
  }
  return session.rounds;
}

export async function fairnessBenchmark(run, cleanups) {
  const { options } = run;
  const stack = await startStack(options, cleanups);
  run.config = stack.config;
  run.stackReadyAt = performance.now();
  const quiet = stack; // workspace B: the stack's first workspace
  const flooding = await stack.workspace("bench-flood");
  run.stats = { runEvents: 0 };

  run.alone = await quietRounds(quiet, 0, options.quiet, run.stats);

  const flood = { expected: options.flood, completed: 0, refused: [] };
  run.flood = flood;
  const drained = new Promise((resolve) => {
    flood.ended = (at) => {
      if (++flood.completed < flood.expected) return;
      flood.drainedAt = at;
      resolve();
    };
  });
  flood.sessions = await connectFlood(flooding, Math.min(options.floodSessions ?? options.flood, options.flood), flood);
  cleanups.push(["close the flood's SSE connections", () => flood.sessions.forEach((session) => session.sse.close())]);
  await sendFlood(flooding, flood.sessions, flood);
  run.duringFlood = await quietRounds(quiet, 1, options.quiet, run.stats);
  await drained;
}

const firstContent = (rounds) => distribution(rounds.filter((r) => r.firstContentAt !== undefined).map((r) => r.firstContentAt - r.postAt));
const complete = (rounds) => distribution(rounds.filter((r) => r.completeAt !== undefined).map((r) => r.completeAt - r.postAt));

export function summarizeFairness(run) {
  const { options, flood } = run;
  const alone = run.alone ?? [];
  const duringFlood = run.duringFlood ?? [];
  const floodSessions = flood?.sessions ?? [];
  const completes = floodSessions.flatMap((session) => session.completes);
  // A's messages not finished yet when each of B's was sent.
  const unfinishedAt = (at) => options.flood - (flood?.refused.length ?? 0) - completes.filter((c) => c.at <= at).length;
  const quietRounds = [...alone, ...duringFlood];
  // B's messages that really had A's backlog in front of them: sent before A's last run ended.
  const underFlood = duringFlood.filter((round) => flood?.drainedAt === undefined || round.postAt < flood.drainedAt);
  const allQuietOk = quietRounds.length === 2 * options.quiet && quietRounds.every((round) => round.outcome === "complete");
  const floodOk = flood?.drainedAt !== undefined && flood.refused.length === 0 && completes.every((c) => c.ok);
  const ms = (value) => (value === undefined ? null : Math.round(value));
  return {
    ok: run.error === undefined && !run.timedOut && allQuietOk && floodOk,
    mode: "fairness",
    quietMessages: options.quiet,
    flood: options.flood,
    floodSessions: floodSessions.length,
    timedOut: run.timedOut,
    totalWallMs: Math.round(performance.now() - run.startedAt),
    quietAlone: { postToFirstContentMs: firstContent(alone), postToCompleteMs: complete(alone) },
    quietDuringFlood: {
      postToFirstContentMs: firstContent(underFlood),
      postToCompleteMs: complete(underFlood),
      firstMessagePostToFirstContentMs: firstContent(duringFlood.slice(0, 1)).max,
      sentBeforeFloodDrained: underFlood.length,
      floodUnfinishedAtFirstSend: duringFlood[0] ? unfinishedAt(duringFlood[0].postAt) : null,
      floodUnfinishedAtLastSend: duringFlood.at(-1) ? unfinishedAt(duringFlood.at(-1).postAt) : null,
    },
    floodPostPhaseMs: flood?.acceptedAt === undefined ? null : ms(flood.acceptedAt - flood.postAt),
    floodDrainMs: flood?.drainedAt === undefined ? null : ms(flood.drainedAt - flood.postAt),
    floodPostToFirstContentMs: distribution(floodSessions.flatMap((session) => session.firstContents).map((at) => at - flood.postAt)),
    floodRunsCompleted: completes.filter((c) => c.ok).length,
    floodRefused: flood?.refused.length ?? 0,
    failureSamples: [...new Set([...(flood?.refused ?? []), ...quietRounds.map((r) => r.outcome).filter((o) => o && o !== "complete")])].slice(0, 3),
    config: run.config && {
      workerConcurrency: run.config.WORKER_CONCURRENCY,
      contentDeltas: run.config.SCRIPTED_CONTENT_DELTAS,
      delayMs: run.config.SCRIPTED_DELAY_MS,
      workspaceMaxConcurrentRuns: run.config.WORKSPACE_MAX_CONCURRENT_RUNS ?? null,
    },
    node: process.version,
    error: run.error ? String(run.error.message ?? run.error) : undefined,
  };
}

export function printFairnessReport(summary) {
  const ms = (value) => (value === null || value === undefined ? "-" : `${value} ms`);
  const dist = (d) => `p50 ${ms(d.p50)}  p90 ${ms(d.p90)}  max ${ms(d.max)}  (n=${d.n})`;
  const c = summary.config ?? {};
  const during = summary.quietDuringFlood;
  const rows = [
    ["status", summary.ok ? "ok" : summary.timedOut ? "TIMED OUT (partial figures)" : "FAILED (partial figures)"],
    [
      "config",
      `worker concurrency ${c.workerConcurrency}, ${c.contentDeltas} content deltas ${c.delayMs} ms apart, workspace cap ${c.workspaceMaxConcurrentRuns ?? "none"}`,
    ],
    ["flood (workspace A)", `${summary.flood} messages at once over ${summary.floodSessions} sessions`],
    ["B alone: POST → first content", dist(summary.quietAlone.postToFirstContentMs)],
    ["B alone: POST → complete (one run)", dist(summary.quietAlone.postToCompleteMs)],
    ["B's messages sent before A drained", `${during.sentBeforeFloodDrained} of ${summary.quietMessages}`],
    ["B during flood: POST → first content", dist(during.postToFirstContentMs)],
    ["B during flood: POST → complete", dist(during.postToCompleteMs)],
    ["B during flood, first message: → first content", ms(during.firstMessagePostToFirstContentMs)],
    ["A's runs unfinished at B's first / last send", `${during.floodUnfinishedAtFirstSend ?? "-"} / ${during.floodUnfinishedAtLastSend ?? "-"}`],
    ["A: POSTs accepted / drained (from first POST)", `${ms(summary.floodPostPhaseMs)} / ${ms(summary.floodDrainMs)}`],
    ["A: first POST → each run's first content", dist(summary.floodPostToFirstContentMs)],
    ["A: runs completed / refused", `${summary.floodRunsCompleted} / ${summary.floodRefused}`],
    ["total wall time", ms(summary.totalWallMs)],
  ];
  for (const sample of summary.failureSamples) rows.push(["  e.g.", sample]);
  if (summary.error) rows.push(["error", summary.error]);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log("");
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  console.log("");
  console.log(JSON.stringify(summary));
}
