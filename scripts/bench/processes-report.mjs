// The processes mode's figures: the plain summary plus CPU per component and the idle-stream memory.
import { printReport, summarize } from "./report.mjs";

/** CPU seconds over the run phase as per-run milliseconds and percent of one core. */
function cpuFigures(seconds, runs, runPhaseMs) {
  return {
    cpuSeconds: Math.round(seconds * 100) / 100,
    cpuMsPerRun: runs > 0 ? Math.round((seconds / runs) * 1_000 * 100) / 100 : null,
    corePercent: runPhaseMs > 0 ? Math.round((seconds / (runPhaseMs / 1_000)) * 100) : null,
  };
}

export function summarizeProcesses(run) {
  const summary = summarize(run);
  const cpu = run.cpu;
  const figures = (seconds) => cpuFigures(seconds, summary.runsCompleted, summary.runPhaseMs);
  const idle = run.idleStreams;
  summary.processes = {
    apis: run.options.apis,
    workers: run.options.workers,
    routing: "session i streams from API i mod N and POSTs to API (i + 1) mod N",
    cpu: cpu && {
      apis: cpu.apis.map((seconds, index) => ({ pid: run.apis[index].pid, ...figures(seconds) })),
      workers: cpu.workers.map((seconds, index) => ({ pid: run.workers[index].pid, ...figures(seconds) })),
      postgres: { processes: cpu.postgres.processes, ...figures(cpu.postgres.seconds) },
      redis: { processes: cpu.redis.processes, ...figures(cpu.redis.seconds) },
      client: figures(cpu.client),
      serversNote: "postgres and redis-server: all their processes on this machine, so anything else they served meanwhile counts too",
    },
    idleStreams: idle && {
      ...idle,
      rssPerStreamKiB: idle.rssBeforeBytes && idle.rssAfterBytes ? Math.round((idle.rssAfterBytes - idle.rssBeforeBytes) / idle.streams / 102.4) / 10 : null,
    },
  };
  return summary;
}

export function printProcessesReport(summary) {
  const { cpu, idleStreams } = summary.processes;
  const cpuText = (c) => `${c.cpuMsPerRun ?? "-"} ms CPU per run  (${c.cpuSeconds} s, ${c.corePercent ?? "-"}% of one core)`;
  const rows = [["routing", summary.processes.routing]];
  if (cpu) {
    rows.push(["CPU during the run phase", ""]);
    cpu.apis.forEach((api, index) => rows.push([`  API ${index} (pid ${api.pid})`, cpuText(api)]));
    cpu.workers.forEach((worker, index) => rows.push([`  worker ${index} (pid ${worker.pid})`, cpuText(worker)]));
    rows.push([`  Postgres (${cpu.postgres.processes} processes)`, cpuText(cpu.postgres)]);
    rows.push([`  Redis (${cpu.redis.processes} process${cpu.redis.processes === 1 ? "" : "es"})`, cpuText(cpu.redis)]);
    rows.push(["  client (this process)", cpuText(cpu.client)]);
    rows.push(["  note", cpu.serversNote]);
  }
  if (idleStreams) {
    const mib = (bytes) => (bytes === undefined ? "-" : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`);
    rows.push([
      `${idleStreams.api} RSS, ${idleStreams.streams} idle streams`,
      `${mib(idleStreams.rssBeforeBytes)} before, ${mib(idleStreams.rssAfterBytes)} after (${idleStreams.rssPerStreamKiB ?? "-"} KiB per stream)`,
    ]);
  }
  printReport(summary, { extraRows: rows, processLabel: "client process during the run phase" });
}
