#!/usr/bin/env node
/**
 * End-to-end streaming benchmark: how fast does an agent's output reach SSE clients?
 *
 * What it measures, for N concurrent sessions (default 50) of R messages each (default 1):
 *   - POST /messages → first `content` event at the SSE client (p50/p90/p99/max): the latency a
 *     user sees before text starts streaming (HTTP + DB transaction + BullMQ enqueue + job
 *     pickup + run setup + Redis append/publish + fan-out + SSE write + client parse).
 *   - POST /messages → `complete` event (p50/p99): the whole run, as seen by the client.
 *   - events/s delivered to clients and runs completed/s over the run phase.
 *
 * How: everything runs in this one Node process (so client, API and worker share one event
 * loop and its CPU; read the figures as an upper bound on per-process latency, not as what
 * separate processes would show). It starts a throwaway database cloned from the migrated
 * template (@mix/testing's createTestDatabase), a Redis prefix of its own, one API instance on
 * a free port and one run worker with WORKER_CONCURRENCY = N, all on the scripted model with
 * SCRIPTED_DELAY_MS=0, SCRIPTED_CONTENT_DELTAS=50, SCRIPTED_REASONING_DELTAS=0 (so one run is
 * user_message_created + 50 content + complete = 52 events).
 *   1. setup phase: for every session, POST /api/sessions, open GET /stream over raw node:http
 *      and wait for `connected` (all concurrently; not timed as part of the run);
 *   2. with --warmup=W, W runs one at a time on a session of their own, outside the figures (the
 *      floor benchmark warms up before its concurrent phase: `--warmup=32` compares like with like);
 *   3. run phase: every session at once POSTs a message, waits for its `complete`, and repeats
 *      R times; timestamps come from performance.now() when each SSE frame is parsed.
 *
 * A POST the API refuses (e.g. a 500 under load) is recorded as a failed message, not a crash:
 * the figures cover the messages that were accepted, and the run exits non-zero.
 *
 * With --tools, each message also makes the scripted model call a tool (list_directory, which
 * asks no permission), so a run is two model calls around a tool call, and the figures add
 * POST → tool_execution_complete: the agent loop's own overhead per tool step. --tools=bash
 * calls Bash (`echo bench`) instead, so the figures include starting a sandboxed command.
 *
 * With --fairness it measures fair scheduling across workspaces instead (fairness.mjs): workspace
 * B's POST → first content, one message at a time, alone and while workspace A floods the queue
 * with --flood=N messages at once (default 500; over --flood-sessions=S sessions, default one each).
 *
 * With --processes it runs the same sessions against --apis=N API and --workers=M worker processes
 * of the built apps instead (processes.mjs), and adds the CPU each process, Postgres and Redis used
 * per run; --idle-streams=K then weighs K idle SSE streams in the memory of an API started for them alone, then of a stream gateway.
 *
 * Usage: pnpm bench [-- --sessions=200 --rounds=3 --warmup=32 --timeout=120 --tools[=bash]]
 *        pnpm bench -- --fairness [--flood=500 --flood-sessions=S --quiet=10 --timeout=120]
 *        pnpm bench -- --processes [--apis=2 --workers=2 --idle-streams=2000 --sessions=S --rounds=R]
 *   env: BENCH_SESSIONS, BENCH_ROUNDS, BENCH_TIMEOUT_S; REDIS_URL, TEST_DATABASE_URL (admin URL
 *   used to clone the database); DATABASE_POOL_SIZE, WORKER_CONCURRENCY, SCRIPTED_* override
 *   the bench's defaults when set (the effective values are printed); BENCH_CPU_PROFILE=FILE writes
 *   a V8 CPU profile of the run phase (in-process mode only) to FILE, for DevTools.
 * Prints a table and, last, one line of JSON. Exits 0 only when every run completed in time;
 * always cleans up (SSE connections, worker, API, Redis keys under the prefix, database).
 * Needs the built packages (`pnpm build`).
 *
 * Parts: options.mjs (flags, the stack's environment), stack.mjs (start and clean up),
 * http.mjs (JSON requests, the SSE client), sessions.mjs (one session's rounds), report.mjs;
 * processes.mjs, processes-report.mjs and proc-stat.mjs (/proc readings) for --processes.
 */
import { performance } from "node:perf_hooks";
import { fairnessBenchmark, printFairnessReport, summarizeFairness } from "./fairness.mjs";
import { parseOptions } from "./options.mjs";
import { printProcessesReport, summarizeProcesses } from "./processes-report.mjs";
import { processesBenchmark } from "./processes.mjs";
import { printReport, startProcessProbe, summarize } from "./report.mjs";
import { connectSession, createSession, runSession, warmUp } from "./sessions.mjs";
import { cleanUp, startStack } from "./stack.mjs";
import { startCpuProfile } from "./cpu-profile.mjs";

async function benchmark(run, cleanups) {
  const stack = await startStack(run.options, cleanups);
  run.config = stack.config;
  run.stackReadyAt = performance.now();

  run.sessions = Array.from({ length: run.options.sessions }, (_, index) => createSession(index));
  cleanups.push(["close SSE connections", () => run.sessions.forEach((session) => session.sse?.close())]);
  await Promise.all(run.sessions.map((session) => connectSession(stack, session, run.stats)));
  if (run.options.warmup) await warmUp(stack, run.options.warmup);

  const stopProfile = process.env.BENCH_CPU_PROFILE ? await startCpuProfile(process.env.BENCH_CPU_PROFILE) : undefined;
  startProcessProbe(run);
  run.runStartAt = performance.now();
  await Promise.all(run.sessions.map((session) => runSession(stack, session, run.options.rounds, run.stats, run.options.tools)));
  run.runEndAt = performance.now();
  await stopProfile?.();
}

/** Runs the bench, bounded by the global timeout, then always reports, cleans up and exits. */
async function main() {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`bench: ${error.message}`);
    process.exit(2);
  }
  const run = {
    options,
    startedAt: performance.now(),
    stats: { runEvents: 0 },
    sessions: [],
    timedOut: false,
  };
  const cleanups = [];
  const withTools = run.options.tools ? ` with a ${run.options.tools} call each` : "";
  const plain = `${run.options.sessions} sessions × ${run.options.rounds} round(s)${withTools}`;
  const fairness = `fairness, workspace B sends ${run.options.quiet} messages one at a time, alone and while workspace A floods ${run.options.flood}`;
  const processes = `, ${run.options.apis} API and ${run.options.workers} worker process(es)`;
  console.log(`bench: ${run.options.fairness ? fairness : plain}${run.options.processes ? processes : ""}, timeout ${run.options.timeoutMs / 1_000} s`);
  const mode = run.options.fairness
    ? { benchmark: fairnessBenchmark, summarize: summarizeFairness, print: printFairnessReport }
    : run.options.processes
      ? { benchmark: processesBenchmark, summarize: summarizeProcesses, print: printProcessesReport }
      : { benchmark, summarize, print: printReport };

  // The run stops early on the global timeout or on Ctrl-C; either way it reports and cleans up.
  let timer;
  const stop = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), run.options.timeoutMs);
    process.once("SIGINT", () => resolve("interrupted"));
  });
  try {
    const outcome = await Promise.race([mode.benchmark(run, cleanups), stop]);
    run.timedOut = outcome === "timeout";
    if (outcome === "interrupted") run.error = new Error("interrupted");
  } catch (error) {
    run.error = error;
  } finally {
    clearTimeout(timer);
  }

  const summary = mode.summarize(run);
  mode.print(summary);
  await cleanUp(cleanups);
  process.exit(summary.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
