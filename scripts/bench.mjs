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
 *   2. run phase: every session at once POSTs a message, waits for its `complete`, and repeats
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
 * Usage: pnpm bench [-- --sessions=200 --rounds=3 --timeout=120 --tools[=bash]]
 *   env: BENCH_SESSIONS, BENCH_ROUNDS, BENCH_TIMEOUT_S; REDIS_URL, TEST_DATABASE_URL (admin URL
 *   used to clone the database); DATABASE_POOL_SIZE, WORKER_CONCURRENCY, SCRIPTED_* override
 *   the bench's defaults when set (the effective values are printed).
 * Prints a table and, last, one line of JSON. Exits 0 only when every run completed in time;
 * always cleans up (SSE connections, worker, API, Redis keys under the prefix, database).
 * Needs the built packages (`pnpm build`).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

const require = createRequire(import.meta.url);
const DIST = {
  api: "../apps/api/dist/app.js",
  core: "../packages/core/dist/index.js",
  testing: "../packages/testing/dist/index.js",
};
const CLEANUP_STEP_TIMEOUT_MS = 15_000;
/** Config keys the caller may override from the environment (everything else is fixed). */
const ENV_OVERRIDES = [
  "DATABASE_POOL_SIZE",
  "WORKER_CONCURRENCY",
  "SCRIPTED_CONTENT_DELTAS",
  "SCRIPTED_REASONING_DELTAS",
  "SCRIPTED_DELAY_MS",
];

// ---------------------------------------------------------------------------------------------
// Options

function parseOptions(argv, env) {
  const flags = Object.fromEntries(
    argv
      .filter((arg) => arg !== "--" && arg !== "--tools" && arg !== "--tools=bash")
      .map((arg) => {
        const match = /^--(sessions|rounds|timeout)=(.*)$/.exec(arg);
        if (!match) throw new Error(`unknown argument "${arg}" (expected --sessions=N, --rounds=R, --timeout=S, --tools[=bash])`);
        return [match[1], match[2]];
      }),
  );
  const positive = (name, raw, fallback) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
    return value;
  };
  return {
    sessions: positive("--sessions", flags.sessions ?? env.BENCH_SESSIONS, 50),
    rounds: positive("--rounds", flags.rounds ?? env.BENCH_ROUNDS, 1),
    timeoutMs: positive("--timeout", flags.timeout ?? env.BENCH_TIMEOUT_S, 120) * 1_000,
    tools: argv.includes("--tools=bash") ? "bash" : argv.includes("--tools") ? "list_directory" : null,
  };
}

function benchEnv(options, database, prefix, redisUrl) {
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "warn",
    SCRIPTED_DELAY_MS: "0",
    SCRIPTED_CONTENT_DELTAS: "50",
    SCRIPTED_REASONING_DELTAS: "0",
    WORKER_CONCURRENCY: String(Math.min(options.sessions, 1_000)),
    SHUTDOWN_GRACE_MS: "5000",
    // One key sends a message per session per round and holds a stream per session: the
    // per-key limits (429 past them) would throttle the bench instead of measuring the pipeline.
    MESSAGE_RATE_LIMIT_PER_MINUTE: "1000000",
    SSE_MAX_STREAMS_PER_KEY: "1000000",
  };
  for (const key of ENV_OVERRIDES) if (process.env[key]) env[key] = process.env[key];
  return env;
}

// ---------------------------------------------------------------------------------------------
// Stack: database, Redis prefix, API on a free port, run worker. Every resource registers its
// cleanup as soon as it exists, so a failure half-way still releases what was started.

/** @mix/testing's build, for the SSE frame parser the tests use too. */
const testingDist = () => require(DIST.testing);

function loadDist() {
  for (const path of Object.values(DIST)) {
    if (!existsSync(new URL(path, import.meta.url))) throw new Error(`${path} is missing: run \`pnpm build\` at the repository root first`);
  }
  return { api: require(DIST.api), core: require(DIST.core), testing: require(DIST.testing) };
}

async function startStack(options, cleanups) {
  const { api: apiDist, core, testing } = loadDist();
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `bench:${randomBytes(4).toString("hex")}`;

  const database = await testing.createTestDatabase("bench");
  cleanups.push(["drop database", () => database.drop()]);
  cleanups.push(["delete Redis keys", () => testing.deleteRedisPrefix(prefix, redisUrl)]);

  const env = benchEnv(options, database, prefix, redisUrl);
  const config = core.loadConfig(env);
  const api = await apiDist.createApiApp(config);
  cleanups.push(["close API", () => api.close()]);
  await api.app.listen(0, "127.0.0.1");
  const { port } = api.app.getHttpServer().address();

  const worker = await core.startRunWorker(config, core.createLogger("bench-worker", config.LOG_LEVEL));
  cleanups.push(["close worker", () => worker.close()]);

  const { apiKey, workspaceId } = await api.services.apiKeys.createWorkspace("bench");
  // No tool asks permission in the bench's workspace: nobody is there to answer.
  await api.services.permissions.setPolicy(workspaceId, { tools: [] });
  return { baseUrl: `http://127.0.0.1:${port}`, apiKey, config };
}

// ---------------------------------------------------------------------------------------------
// HTTP: JSON requests, and a raw SSE client

async function postJson(stack, path, body) {
  const response = await fetch(`${stack.baseUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${stack.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path.replace(/[0-9a-f-]{36}/, "{id}")} answered ${response.status}: ${text.slice(0, 160)}`);
  return JSON.parse(text);
}

/**
 * Opens GET /stream?sessionId= and calls onEvent(frame, receivedAt) for each frame; resolves
 * with { close } once the `connected` event has arrived. The data stays an unparsed string:
 * the client shares the server's event loop, so it parses only what it needs.
 */
function openSse(stack, sessionId, onEvent) {
  return new Promise((resolve, reject) => {
    const url = `${stack.baseUrl}/stream?sessionId=${encodeURIComponent(sessionId)}`;
    const headers = { accept: "text/event-stream", authorization: `Bearer ${stack.apiKey}` };
    const request = http.get(url, { headers, agent: false });
    const close = () => request.destroy();
    request.on("error", reject);
    request.on("response", (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET /stream answered ${response.statusCode}`));
        return;
      }
      response.setEncoding("utf8");
      let pending = "";
      response.on("data", (chunk) => {
        const receivedAt = performance.now();
        pending += chunk.includes("\r") ? chunk.replace(/\r\n?/g, "\n") : chunk;
        let boundary;
        while ((boundary = pending.indexOf("\n\n")) >= 0) {
          const frame = testingDist().parseSseFrame(pending.slice(0, boundary));
          pending = pending.slice(boundary + 2);
          if (frame.event === "connected") resolve({ close });
          onEvent(frame, receivedAt);
        }
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// One benchmarked session

/** Per-session state: its SSE connection and the timings of each of its rounds. */
function createSession(index) {
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

async function connectSession(stack, session, stats) {
  const created = await postJson(stack, "/api/sessions", { title: `bench ${session.index}` });
  session.id = created.id;
  session.sse = await openSse(stack, session.id, (frame, receivedAt) => handleEvent(session, stats, frame, receivedAt));
}

/** The scripted model calls the tool a `@tool` line names. */
const TOOL_DIRECTIVES = { list_directory: "\n@tool list_directory {}", bash: '\n@tool Bash {"command":"echo bench"}' };

async function runSession(stack, session, rounds, stats, tools) {
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

// ---------------------------------------------------------------------------------------------
// Figures

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function distribution(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const oneDecimal = (value) => (value === undefined ? null : Math.round(value * 10) / 10);
  return {
    n: sorted.length,
    p50: oneDecimal(percentile(sorted, 50)),
    p90: oneDecimal(percentile(sorted, 90)),
    p99: oneDecimal(percentile(sorted, 99)),
    max: oneDecimal(sorted.at(-1)),
  };
}

function summarize(run) {
  const rounds = run.sessions.flatMap((session) => session.rounds);
  const done = rounds.filter((round) => round.completeAt !== undefined);
  const runEnd = run.runEndAt ?? performance.now();
  const runWallMs = run.runStartAt === undefined ? 0 : runEnd - run.runStartAt;
  const perSecond = (count) => (runWallMs > 0 ? Math.round((count / runWallMs) * 1_000 * 10) / 10 : 0);
  const failed = done.filter((round) => round.outcome !== "complete").length;
  const sendFailures = rounds.filter((round) => round.outcome?.startsWith("send failed"));
  // With a tool: the first call's "I'll use …" delta and the answer's summary delta come on top.
  const expectedContent = Number(run.config?.SCRIPTED_CONTENT_DELTAS ?? 0) + (run.options.tools ? 2 : 0);
  const probe = run.probe?.();
  return {
    ok:
      run.error === undefined &&
      !run.timedOut &&
      rounds.length === run.options.sessions * run.options.rounds &&
      done.length === rounds.length &&
      failed === 0,
    sessions: run.options.sessions,
    withTools: run.options.tools,
    roundsPerSession: run.options.rounds,
    messages: rounds.length,
    runsCompleted: done.length,
    runsNotComplete: failed,
    sendsFailed: sendFailures.length,
    failureSamples: [...new Set(rounds.map((round) => round.outcome).filter((outcome) => outcome && outcome !== "complete"))].slice(0, 3),
    shortContent: done.filter((round) => round.contentEvents !== expectedContent).length,
    timedOut: run.timedOut,
    totalWallMs: Math.round(performance.now() - run.startedAt),
    stackStartMs: run.stackReadyAt === undefined ? null : Math.round(run.stackReadyAt - run.startedAt),
    connectPhaseMs: run.runStartAt === undefined || run.stackReadyAt === undefined ? null : Math.round(run.runStartAt - run.stackReadyAt),
    runPhaseMs: Math.round(runWallMs),
    postAcceptedMs: distribution(rounds.filter((r) => r.acceptedAt).map((r) => r.acceptedAt - r.postAt)),
    postToFirstContentMs: distribution(rounds.filter((r) => r.firstContentAt !== undefined).map((r) => r.firstContentAt - r.postAt)),
    postToToolCompleteMs: run.options.tools ? distribution(rounds.filter((r) => r.toolCompleteAt !== undefined).map((r) => r.toolCompleteAt - r.postAt)) : null,
    postToCompleteMs: distribution(done.map((r) => r.completeAt - r.postAt)),
    eventsDelivered: run.stats.runEvents,
    eventsPerSecond: perSecond(run.stats.runEvents),
    runsPerSecond: perSecond(done.length),
    processCpuPercent: probe && runWallMs > 0 ? Math.round((probe.cpuMs / runWallMs) * 100) : null,
    eventLoopDelayMs: probe ? { p99: Math.round(probe.loopDelayP99Ms), max: Math.round(probe.loopDelayMaxMs) } : null,
    config: run.config && {
      workerConcurrency: run.config.WORKER_CONCURRENCY,
      databasePoolSize: run.config.DATABASE_POOL_SIZE,
      contentDeltas: run.config.SCRIPTED_CONTENT_DELTAS,
      reasoningDeltas: run.config.SCRIPTED_REASONING_DELTAS,
      delayMs: run.config.SCRIPTED_DELAY_MS,
    },
    node: process.version,
    error: run.error ? String(run.error.message ?? run.error) : undefined,
  };
}

function printReport(summary) {
  const ms = (value) => (value === null || value === undefined ? "-" : `${value} ms`);
  const dist = (d) => `p50 ${ms(d.p50)}  p90 ${ms(d.p90)}  p99 ${ms(d.p99)}  max ${ms(d.max)}  (n=${d.n})`;
  const c = summary.config ?? {};
  const model = `${c.contentDeltas} content + ${c.reasoningDeltas} reasoning deltas, delay ${c.delayMs} ms`;
  const loop = summary.eventLoopDelayMs;
  const rows = [
    ["status", summary.ok ? "ok" : summary.timedOut ? "TIMED OUT (partial figures)" : "FAILED (partial figures)"],
    ["sessions × rounds", `${summary.sessions} × ${summary.roundsPerSession}`],
    ["messages posted / runs completed", `${summary.messages} / ${summary.runsCompleted}`],
    ["config", `worker concurrency ${c.workerConcurrency}, db pool ${c.databasePoolSize}, ${model}`],
    ["total wall time", ms(summary.totalWallMs)],
    ["  stack start / connect / run phase", `${ms(summary.stackStartMs)} / ${ms(summary.connectPhaseMs)} / ${ms(summary.runPhaseMs)}`],
    ["POST → 202", dist(summary.postAcceptedMs)],
    ["POST → first content (SSE)", dist(summary.postToFirstContentMs)],
    ...(summary.postToToolCompleteMs ? [["POST → tool_execution_complete (SSE)", dist(summary.postToToolCompleteMs)]] : []),
    ["POST → complete (SSE)", dist(summary.postToCompleteMs)],
    ["events delivered to clients", `${summary.eventsDelivered} (${summary.eventsPerSecond} events/s over the run phase)`],
    ["runs completed per second", String(summary.runsPerSecond)],
    [
      "process during the run phase",
      loop ? `CPU ${summary.processCpuPercent}% of one core, event-loop delay p99 ${ms(loop.p99)} max ${ms(loop.max)}` : "-",
    ],
  ];
  if (summary.sendsFailed) rows.push(["messages refused by the API", String(summary.sendsFailed)]);
  if (summary.runsNotComplete) rows.push(["runs that ended other than 'complete'", String(summary.runsNotComplete)]);
  if (summary.shortContent) rows.push(["runs with a wrong content count", String(summary.shortContent)]);
  for (const sample of summary.failureSamples) rows.push(["  e.g.", sample]);
  if (summary.error) rows.push(["error", summary.error]);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log("");
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  console.log("");
  console.log(JSON.stringify(summary));
}

// ---------------------------------------------------------------------------------------------
// Main: run, bounded by the global timeout, then always clean up and exit

async function benchmark(run, cleanups) {
  const stack = await startStack(run.options, cleanups);
  run.config = stack.config;
  run.stackReadyAt = performance.now();

  run.sessions = Array.from({ length: run.options.sessions }, (_, index) => createSession(index));
  cleanups.push(["close SSE connections", () => run.sessions.forEach((session) => session.sse?.close())]);
  await Promise.all(run.sessions.map((session) => connectSession(stack, session, run.stats)));

  startProcessProbe(run);
  run.runStartAt = performance.now();
  await Promise.all(run.sessions.map((session) => runSession(stack, session, run.options.rounds, run.stats, run.options.tools)));
  run.runEndAt = performance.now();
}

/** CPU time and event-loop lag over the run phase: client, API and worker share this process. */
function startProcessProbe(run) {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuAtStart = process.cpuUsage();
  run.probe = () => {
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuAtStart);
    return { cpuMs: (cpu.user + cpu.system) / 1_000, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
  };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function cleanUp(cleanups) {
  for (const [what, step] of cleanups.reverse()) {
    try {
      await withTimeout(Promise.resolve().then(step), CLEANUP_STEP_TIMEOUT_MS, what);
    } catch (error) {
      console.error(`cleanup: could not ${what}: ${error.message}`);
    }
  }
}

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
  console.log(
    `bench: ${run.options.sessions} sessions × ${run.options.rounds} round(s)${run.options.tools ? ` with a ${run.options.tools} call each` : ""}, timeout ${run.options.timeoutMs / 1_000} s`,
  );

  // The run stops early on the global timeout or on Ctrl-C; either way it reports and cleans up.
  let timer;
  const stop = new Promise((resolve) => {
    timer = setTimeout(() => resolve("timeout"), run.options.timeoutMs);
    process.once("SIGINT", () => resolve("interrupted"));
  });
  try {
    const outcome = await Promise.race([benchmark(run, cleanups), stop]);
    run.timedOut = outcome === "timeout";
    if (outcome === "interrupted") run.error = new Error("interrupted");
  } catch (error) {
    run.error = error;
  } finally {
    clearTimeout(timer);
  }

  const summary = summarize(run);
  printReport(summary);
  await cleanUp(cleanups);
  process.exit(summary.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
