// What the servers did for the bench (processes mode): Postgres transactions and row writes of the
// bench's own database (pg_stat_database), the CPU of that database's backends (by pid, so other
// databases' work on the same server does not count), and Redis's commands by name and its own
// CPU figure (INFO commandstats and INFO cpu: the whole Redis server, so run the bench against a
// Redis of its own, REDIS_URL=..., when other work shares the machine's Redis).
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { cpuSeconds } from "./proc-stat.mjs";

const require = createRequire(new URL("../../packages/testing/package.json", import.meta.url));
const { Client } = require("pg");
const Redis = require("ioredis");

/** An idle Postgres backend flushes its pending statistics within 10 s (PGSTAT_IDLE_INTERVAL). */
const PG_STATS_FLUSH_MS = 11_000;

function parseInfo(text) {
  const values = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) values[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return values;
}

async function redisSnapshot(redis) {
  const commands = {};
  for (const [key, value] of Object.entries(parseInfo(await redis.info("commandstats")))) {
    const calls = /calls=(\d+)/.exec(value);
    if (key.startsWith("cmdstat_") && calls) commands[key.slice("cmdstat_".length)] = Number(calls[1]);
  }
  const cpu = parseInfo(await redis.info("cpu"));
  return { commands, cpuSeconds: Number(cpu.used_cpu_user) + Number(cpu.used_cpu_sys) };
}

async function postgresSnapshot(pg, database) {
  const {
    rows: [totals],
  } = await pg.query(
    `SELECT xact_commit + xact_rollback AS xacts, tup_inserted AS inserted, tup_updated AS updated, tup_deleted AS deleted
     FROM pg_stat_database WHERE datname = $1`,
    [database],
  );
  const { rows } = await pg.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database]);
  return {
    xacts: Number(totals.xacts),
    inserted: Number(totals.inserted),
    updated: Number(totals.updated),
    deleted: Number(totals.deleted),
    backends: new Map(rows.map(({ pid }) => [pid, cpuSeconds(pid)])),
  };
}

/** The parent of a process (a Postgres backend's: its postmaster), undefined if unknown. */
function parentPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/** Opens the probes; `start()` and `end()` take snapshots, `end()` returns the differences. */
export async function openServerStats(databaseUrl, database, redisUrl) {
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  const redis = new Redis(redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1 });
  let startPg;
  let startRedis;
  return {
    /**
     * The pids of the servers at DATABASE_URL and REDIS_URL when they run on this machine (the
     * postmaster, Redis's process_id), so their CPU can be told from other servers' here.
     */
    async serverPids() {
      const {
        rows: [{ pid }],
      } = await pg.query("SELECT pg_backend_pid() AS pid");
      const redisPid = Number(parseInfo(await redis.info("server")).process_id);
      return { postmaster: parentPid(pid), redis: Number.isInteger(redisPid) ? redisPid : undefined };
    },
    /** After the set-up's backends flushed their counters: its writes (sessions, the warm-up's runs) are not the run phase's. */
    async start() {
      await new Promise((resolve) => setTimeout(resolve, PG_STATS_FLUSH_MS));
      startPg = await postgresSnapshot(pg, database);
      startRedis = await redisSnapshot(redis);
    },
    async end() {
      const endRedis = await redisSnapshot(redis);
      // Backends' CPU now (they may close at shutdown); counters once the idle backends flushed.
      const backendsNow = new Map([...startPg.backends.keys()].map((pid) => [pid, cpuSeconds(pid)]));
      await new Promise((resolve) => setTimeout(resolve, PG_STATS_FLUSH_MS));
      const endPg = await postgresSnapshot(pg, database);
      for (const [pid, seconds] of endPg.backends) if (!backendsNow.has(pid)) backendsNow.set(pid, seconds);
      let backendSeconds = 0;
      for (const [pid, seconds] of backendsNow) backendSeconds += seconds - (startPg.backends.get(pid) ?? 0);
      const commands = {};
      for (const [name, calls] of Object.entries(endRedis.commands)) {
        const delta = calls - (startRedis.commands[name] ?? 0);
        if (delta > 0) commands[name] = delta;
      }
      return {
        // The probe's own two snapshot queries are in there too: two of them, whatever the run count.
        postgres: {
          xacts: endPg.xacts - startPg.xacts - 2,
          inserted: endPg.inserted - startPg.inserted,
          updated: endPg.updated - startPg.updated,
          deleted: endPg.deleted - startPg.deleted,
          backendCpuSeconds: backendSeconds,
        },
        redis: { commands, cpuSeconds: endRedis.cpuSeconds - startRedis.cpuSeconds },
      };
    },
    async close() {
      await pg.end().catch(() => undefined);
      redis.disconnect();
    },
  };
}
