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

/** Per-run Postgres and Redis work of the run phase (server-stats.mjs). */
function serverFigures({ postgres, redis }, runs) {
  const perRun = (count) => (runs > 0 ? Math.round((count / runs) * 100) / 100 : null);
  const commands = Object.entries(redis.commands).sort(([, a], [, b]) => b - a);
  return {
    postgres: {
      xactsPerRun: perRun(postgres.xacts),
      insertsPerRun: perRun(postgres.inserted),
      updatesPerRun: perRun(postgres.updated),
      deletesPerRun: perRun(postgres.deleted),
      backendCpuMsPerRun: perRun(postgres.backendCpuSeconds * 1_000),
    },
    redis: {
      commandsPerRun: perRun(commands.reduce((sum, [, calls]) => sum + calls, 0)),
      byCommandPerRun: Object.fromEntries(commands.map(([name, calls]) => [name, perRun(calls)])),
      cpuMsPerRun: perRun(redis.cpuSeconds * 1_000),
    },
    note: "Postgres: the bench database's transactions, rows and backends only; Redis: the whole server at REDIS_URL",
  };
}

export function summarizeProcesses(run) {
  const summary = summarize(run);
  const cpu = run.cpu;
  const figures = (seconds) => cpuFigures(seconds, summary.runsCompleted, summary.runPhaseMs);
  summary.processes = {
    apis: run.options.apis,
    workers: run.options.workers,
    routing: "session i streams from API i mod N and POSTs to API (i + 1) mod N",
    cpu: cpu && {
      apis: cpu.apis.map((seconds, index) => ({ pid: run.apis[index].pid, ...figures(seconds) })),
      workers: cpu.workers.map((seconds, index) => ({ pid: run.workers[index].pid, ...figures(seconds) })),
      postgres: { processes: cpu.postgres.processes, ...figures(cpu.postgres.seconds) },
      redis: { processes: cpu.redis.processes, ...figures(cpu.redis.seconds) },
      ownPostgres: cpu.ownPostgres && { processes: cpu.ownPostgres.processes, ...figures(cpu.ownPostgres.seconds) },
      ownRedis: cpu.ownRedis && { processes: cpu.ownRedis.processes, ...figures(cpu.ownRedis.seconds) },
      client: figures(cpu.client),
      serversNote:
        "postgres and redis-server: all their processes on this machine, so anything else they served meanwhile counts too; the bench's servers: those at DATABASE_URL and REDIS_URL alone (with every database of that server)",
    },
    servers: run.servers && serverFigures(run.servers, summary.runsCompleted),
    // One entry per process that held the idle streams: an API, then the stream gateway.
    idleStreams: run.idleStreams?.map((idle) => ({
      ...idle,
      rssPerStreamKiB: idle.rssBeforeBytes && idle.rssAfterBytes ? Math.round((idle.rssAfterBytes - idle.rssBeforeBytes) / idle.streams / 102.4) / 10 : null,
    })),
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
    if (cpu.ownPostgres) rows.push([`  the bench's Postgres server (${cpu.ownPostgres.processes} processes)`, cpuText(cpu.ownPostgres)]);
    if (cpu.ownRedis) rows.push(["  the bench's Redis server", cpuText(cpu.ownRedis)]);
    rows.push(["  client (this process)", cpuText(cpu.client)]);
    rows.push(["  note", cpu.serversNote]);
  }
  const servers = summary.processes.servers;
  if (servers) {
    const pg = servers.postgres;
    rows.push([
      "Postgres per run (bench database)",
      `${pg.xactsPerRun} transactions, ${pg.insertsPerRun} inserts, ${pg.updatesPerRun} updates, ${pg.deletesPerRun} deletes; its backends ${pg.backendCpuMsPerRun} ms CPU`,
    ]);
    const top = Object.entries(servers.redis.byCommandPerRun)
      .slice(0, 8)
      .map(([name, calls]) => `${name} ${calls}`)
      .join(", ");
    rows.push(["Redis per run (whole server)", `${servers.redis.commandsPerRun} commands, ${servers.redis.cpuMsPerRun} ms CPU (INFO cpu)`]);
    rows.push(["  by command", top]);
  }
  const mib = (bytes) => (bytes === undefined ? "-" : `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`);
  const heap = (figures) => (figures?.heapUsedBytes === undefined ? "-" : `${mib(figures.heapUsedBytes)} of ${mib(figures.heapTotalBytes)}`);
  for (const idle of idleStreams ?? []) {
    rows.push([
      `${idle.api} RSS, ${idle.streams} idle streams`,
      `${mib(idle.rssBeforeBytes)} before, ${mib(idle.rssAfterBytes)} after (${idle.rssPerStreamKiB ?? "-"} KiB per stream), ` +
        `${mib(idle.rssSettledBytes)} after ${idle.settleMs / 1000} s idle`,
    ]);
    rows.push(["  V8 heap used", `${heap(idle.heapBefore)} before, ${heap(idle.heapAfter)} after, ${heap(idle.heapSettled)} idle`]);
  }
  printReport(summary, { extraRows: rows, processLabel: "client process during the run phase" });
}
