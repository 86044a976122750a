// Processes mode (`pnpm bench -- --processes [--apis=N --workers=M --idle-streams=K]`): the same
// sessions as the plain bench, against N API and M worker processes of the built apps (each API
// on a port of its own), on the same throwaway database and Redis prefix. Session i streams from
// API i mod N and POSTs its messages to API (i + 1) mod N, so with N > 1 every event crosses
// instances through Redis. Besides the plain figures it reports the CPU seconds each process used
// during the run phase, and Postgres's and Redis's (all their server processes, so including
// whatever else those servers did meanwhile). --idle-streams=K then opens K idle streams on one
// more API process, started for them alone, and reports its resident memory before and after.
import { spawn } from "node:child_process";
import net from "node:net";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { openSse, postJson } from "./http.mjs";
import { cpuByName, cpuOfTree, cpuSeconds, cpuSince, openFilesLimit, rssBytes } from "./proc-stat.mjs";
import { startProcessProbe } from "./report.mjs";
import { connectSession, createSession, runSession, warmUp } from "./sessions.mjs";
import { openServerStats } from "./server-stats.mjs";
import { prepareStack } from "./stack.mjs";

const APPS = { api: "apps/api/dist/main.js", worker: "apps/worker/dist/main.js", gateway: "apps/api/dist/stream-gateway/main.js" };
const ROOT = new URL("../../", import.meta.url);
const STOP_GRACE_MS = 10_000;
/** How many idle streams (and their sessions) are opened at a time. */
const IDLE_BATCH = 100;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts one app process; `exited` settles when it ends, `output()` is the tail of what it wrote. */
function startChild(name, app, env, cleanups) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(APPS[app], ROOT))], {
    cwd: fileURLToPath(ROOT),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  const keep = (chunk) => (tail = (tail + chunk).slice(-2_000));
  child.stdout.setEncoding("utf8").on("data", keep);
  child.stderr.setEncoding("utf8").on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code)));
  cleanups.push([
    `stop ${name}`,
    async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
      await exited.finally(() => clearTimeout(timer));
    },
  ]);
  const failed = (what) => exited.then((how) => Promise.reject(new Error(`${name} exited (${how}) ${what}: ${tail.trim().slice(-600)}`)));
  return { name, pid: child.pid, child, output: () => tail, failed };
}

/** An API process, once GET /health answers 200. */
async function startApi(index, env, cleanups, app = "api") {
  const port = await freePort();
  // BENCH_API_NODE_OPTIONS, e.g. "--max-semi-space-size=8": weigh V8 settings on the APIs alone.
  const nodeOptions = process.env.BENCH_API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_API_NODE_OPTIONS } : {};
  const ports = { PORT: String(port), STREAM_GATEWAY_PORT: String(port) };
  const api = startChild(app === "api" ? `API ${index}` : "stream gateway", app, { ...env, ...ports, HOST: "127.0.0.1", ...nodeOptions }, cleanups);
  api.baseUrl = `http://127.0.0.1:${port}`;
  const healthy = (async () => {
    for (;;) {
      const ok = await fetch(`${api.baseUrl}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (ok) return api;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return Promise.race([healthy, api.failed("before it was healthy")]);
}

/** A worker process, once it logged that its run worker consumes the queue. */
async function startWorker(index, env, cleanups) {
  // BENCH_WORKER_NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=profiles": profile the workers alone.
  const nodeOptions = process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {};
  const worker = startChild(`worker ${index}`, "worker", { ...env, LOG_LEVEL: "info", ...nodeOptions }, cleanups);
  const started = new Promise((resolve) => {
    const check = () => worker.output().includes("run worker started") && (worker.child.stdout.off("data", check), resolve(worker));
    worker.child.stdout.on("data", check);
  });
  return Promise.race([started, worker.failed("before its run worker started")]);
}

/** A workspace and its key, written straight to the bench's database (no API needed for it). */
async function createWorkspace(dist, env) {
  const prisma = dist.db.createPrismaClient({ url: env.DATABASE_URL, poolSize: 1 });
  try {
    return (await new dist.core.ApiKeyService(prisma).createWorkspace("bench")).apiKey;
  } finally {
    await prisma.$disconnect();
  }
}

/**
 * CPU seconds so far of every measured part: our processes by pid, the servers by name, and
 * the bench's own servers (those at DATABASE_URL and REDIS_URL, by pid) where they run here.
 */
function cpuSnapshot(run) {
  const client = process.cpuUsage();
  const { postmaster, redis } = run.serverPids ?? {};
  return {
    client: (client.user + client.system) / 1e6,
    apis: run.apis.map((api) => cpuSeconds(api.pid)),
    workers: run.workers.map((worker) => cpuSeconds(worker.pid)),
    postgres: cpuByName("postgres"),
    redis: cpuByName("redis-server"),
    ownPostgres: postmaster ? cpuOfTree(postmaster) : undefined,
    ownRedis: redis ? new Map([[redis, cpuSeconds(redis)]]) : undefined,
  };
}

function cpuUsedSince(start, end) {
  return {
    client: end.client - start.client,
    apis: end.apis.map((seconds, index) => seconds - start.apis[index]),
    workers: end.workers.map((seconds, index) => seconds - start.workers[index]),
    postgres: { seconds: cpuSince(start.postgres, end.postgres), processes: end.postgres.size },
    redis: { seconds: cpuSince(start.redis, end.redis), processes: end.redis.size },
    ownPostgres: end.ownPostgres && { seconds: cpuSince(start.ownPostgres, end.ownPostgres), processes: end.ownPostgres.size },
    ownRedis: end.ownRedis && { seconds: cpuSince(start.ownRedis, end.ownRedis), processes: end.ownRedis.size },
  };
}

/** API 0's V8 heap in bytes from its /metrics (prom-client's nodejs_heap_size_*), undefined where it has none. */
async function heapBytes(client) {
  const text = await fetch(`${client.baseUrl}/metrics`, { headers: { authorization: `Bearer ${client.apiKey}` } }).then(
    (response) => (response.ok ? response.text() : ""),
    () => "",
  );
  const gauge = (name) => {
    const match = new RegExp(`^\\w*nodejs_${name} (\\S+)$`, "m").exec(text);
    return match ? Number(match[1]) : undefined;
  };
  return { heapUsedBytes: gauge("heap_size_used_bytes"), heapTotalBytes: gauge("heap_size_total_bytes"), externalBytes: gauge("external_memory_bytes") };
}

/** Sockets a process may hold open (`ulimit -n`): the client holds one per idle stream, the API one each too. */
function checkOpenFiles(pids, count) {
  for (const pid of pids) {
    const limit = openFilesLimit(pid);
    if (limit !== undefined && limit < count + 1_000) {
      throw new Error(
        `--idle-streams=${count} needs about ${count + 1_000} open files per process, but pid ${pid} may open ${limit}: raise \`ulimit -n\` first`,
      );
    }
  }
}

/** Waits `ms` of wall time: the idle streams' memory is read again once the API has been idle a while. */
const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** How long the streams stay idle before their API's memory is read a second time (V8 shrinks its heap when idle). */
const IDLE_SETTLE_MS = 10_000;

/**
 * K idle streams on an API process of their own, started after the run phase, that served
 * nothing else: its resident memory is its own baseline plus the streams', not the garbage of
 * the runs or of the K sessions (created through API 0). Then the same K sessions' streams on a
 * stream gateway (apps/api's stream-only process), the API's streams closed first. Reported for
 * each: RSS (and V8 heap) once it answered /health, after the streams opened, and after they
 * were idle for IDLE_SETTLE_MS.
 */
async function measureIdleStreams(run, env, cleanups, client, count) {
  const sessions = [];
  await inBatches(count, async () => sessions.push((await postJson(client, "/api/sessions", { title: "idle" })).id));
  run.idleStreams = [];
  for (const app of ["api", "gateway"]) {
    const holder = await startApi("idle", env, cleanups, app);
    checkOpenFiles([process.pid, holder.pid], count);
    const streams = await weighIdleStreams(run, holder, { baseUrl: holder.baseUrl, apiKey: client.apiKey }, sessions);
    streams.forEach((stream) => stream.close());
  }
}

const inBatches = async (count, work) => {
  for (let start = 0; start < count; start += IDLE_BATCH) await Promise.all(Array.from({ length: Math.min(IDLE_BATCH, count - start) }, work));
};

async function weighIdleStreams(run, holder, idleClient, sessions) {
  const rssBefore = rssBytes(holder.pid);
  const heapBefore = await heapBytes(idleClient);
  const streams = [];
  run.closeIdleStreams = () => streams.forEach((stream) => stream.close());
  let next = 0;
  await inBatches(sessions.length, async () => streams.push(await openSse(idleClient, sessions[next++], () => {})));
  const rssAfter = rssBytes(holder.pid);
  const heapAfter = await heapBytes(idleClient);
  await pause(IDLE_SETTLE_MS);
  run.idleStreams.push({
    streams: streams.length,
    api: holder.name,
    rssBeforeBytes: rssBefore,
    rssAfterBytes: rssAfter,
    rssSettledBytes: rssBytes(holder.pid),
    settleMs: IDLE_SETTLE_MS,
    heapBefore,
    heapAfter,
    heapSettled: await heapBytes(idleClient),
  });
  return streams;
}

export async function processesBenchmark(run, cleanups) {
  const { options } = run;
  const { dist, env, config } = await prepareStack(options, cleanups);
  run.config = config;
  const apiKey = await createWorkspace(dist, env);
  run.apis = await Promise.all(Array.from({ length: options.apis }, (_, index) => startApi(index, env, cleanups)));
  run.workers = await Promise.all(Array.from({ length: options.workers }, (_, index) => startWorker(index, env, cleanups)));
  run.stackReadyAt = performance.now();

  const clients = run.apis.map((api) => ({ baseUrl: api.baseUrl, apiKey }));
  run.sessions = Array.from({ length: options.sessions }, (_, index) => createSession(index));
  cleanups.push(["close SSE connections", () => run.sessions.forEach((session) => session.sse?.close())]);
  cleanups.push(["close idle streams", () => run.closeIdleStreams?.()]);
  const streamClient = (session) => clients[session.index % clients.length];
  const postClient = (session) => clients[(session.index + 1) % clients.length];
  // A process that dies mid-bench ends it with its output, instead of a wait for the timeout.
  const crashed = Promise.race([...run.apis, ...run.workers].map((child) => child.failed("during the bench")));
  await Promise.race([Promise.all(run.sessions.map((session) => connectSession(streamClient(session), session, run.stats))), crashed]);
  if (options.warmup) await Promise.race([warmUp(clients[0], options.warmup), crashed]);

  const servers = await openServerStats(env.DATABASE_URL, new URL(env.DATABASE_URL).pathname.slice(1), env.REDIS_URL);
  cleanups.push(["close server probes", () => servers.close()]);
  run.serverPids = await servers.serverPids();
  await servers.start();
  startProcessProbe(run);
  const cpuAtStart = cpuSnapshot(run);
  run.runStartAt = performance.now();
  await Promise.race([Promise.all(run.sessions.map((session) => runSession(postClient(session), session, options.rounds, run.stats, null))), crashed]);
  run.runEndAt = performance.now();
  // The client's own CPU and loop lag cover the run phase only, not the idle streams' set-up after it.
  const clientProbe = run.probe();
  run.probe = () => clientProbe;
  run.cpu = cpuUsedSince(cpuAtStart, cpuSnapshot(run));
  run.servers = await servers.end();

  if (options.idleStreams) await measureIdleStreams(run, env, cleanups, clients[0], options.idleStreams);
}
