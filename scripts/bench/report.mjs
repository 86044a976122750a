// The bench's figures: the summary of a run (also its last line of JSON) and the printed table.
import { monitorEventLoopDelay, performance } from "node:perf_hooks";

/** CPU time and event-loop lag of this process over the run phase (in the plain mode: client, API and worker). */
export function startProcessProbe(run) {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const cpuAtStart = process.cpuUsage();
  run.probe = () => {
    loopDelay.disable();
    const cpu = process.cpuUsage(cpuAtStart);
    return { cpuMs: (cpu.user + cpu.system) / 1_000, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, loopDelayMaxMs: loopDelay.max / 1e6 };
  };
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function distribution(values) {
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

export function summarize(run) {
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
  const allRan = rounds.length === run.options.sessions * run.options.rounds && done.length === rounds.length;
  return {
    ok: run.error === undefined && !run.timedOut && allRan && failed === 0,
    sessions: run.options.sessions,
    withTools: run.options.tools,
    roundsPerSession: run.options.rounds,
    warmupRuns: run.options.warmup,
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

/** `extraRows` come after the plain rows (processes mode); `processLabel` names the process the CPU row measures. */
export function printReport(summary, { extraRows = [], processLabel = "process during the run phase" } = {}) {
  const ms = (value) => (value === null || value === undefined ? "-" : `${value} ms`);
  const dist = (d) => `p50 ${ms(d.p50)}  p90 ${ms(d.p90)}  p99 ${ms(d.p99)}  max ${ms(d.max)}  (n=${d.n})`;
  const c = summary.config ?? {};
  const model = `${c.contentDeltas} content + ${c.reasoningDeltas} reasoning deltas, delay ${c.delayMs} ms`;
  const loop = summary.eventLoopDelayMs;
  const rows = [
    ["status", summary.ok ? "ok" : summary.timedOut ? "TIMED OUT (partial figures)" : "FAILED (partial figures)"],
    [
      "sessions × rounds",
      `${summary.sessions} × ${summary.roundsPerSession}${summary.warmupRuns ? ` (after ${summary.warmupRuns} warm-up runs, not counted)` : ""}`,
    ],
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
    [processLabel, loop ? `CPU ${summary.processCpuPercent}% of one core, event-loop delay p99 ${ms(loop.p99)} max ${ms(loop.max)}` : "-"],
  ];
  rows.push(...extraRows);
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
