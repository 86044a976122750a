// The bench's options (flags and BENCH_* variables) and the environment its stack runs with.

/** Config keys the caller may override from the environment (everything else is fixed). */
const ENV_OVERRIDES = ["DATABASE_POOL_SIZE", "WORKER_CONCURRENCY", "SCRIPTED_CONTENT_DELTAS", "SCRIPTED_REASONING_DELTAS", "SCRIPTED_DELAY_MS"];

export function parseOptions(argv, env) {
  const flags = Object.fromEntries(
    argv
      .filter((arg) => arg !== "--" && arg !== "--tools" && arg !== "--tools=bash" && arg !== "--fairness" && arg !== "--processes")
      .map((arg) => {
        const match = /^--(sessions|rounds|warmup|timeout|flood|flood-sessions|quiet|apis|workers|idle-streams)=(.*)$/.exec(arg);
        if (!match) {
          const fairness = "--fairness [--flood=N --flood-sessions=S --quiet=M]";
          const processes = "--processes [--apis=N --workers=M --idle-streams=K]";
          throw new Error(
            `unknown argument "${arg}" (expected --sessions=N, --rounds=R, --warmup=W, --timeout=S, --tools[=bash], ${fairness}, or ${processes})`,
          );
        }
        return [match[1], match[2]];
      }),
  );
  const positive = (name, raw, fallback) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer (got "${raw}")`);
    return value;
  };
  const options = {
    sessions: positive("--sessions", flags.sessions ?? env.BENCH_SESSIONS, 50),
    rounds: positive("--rounds", flags.rounds ?? env.BENCH_ROUNDS, 1),
    // Runs made one at a time before the run phase, outside its figures (sessions.mjs warmUp).
    warmup: flags.warmup === undefined || flags.warmup === "0" ? 0 : positive("--warmup", flags.warmup),
    timeoutMs: positive("--timeout", flags.timeout ?? env.BENCH_TIMEOUT_S, 120) * 1_000,
    tools: argv.includes("--tools=bash") ? "bash" : argv.includes("--tools") ? "list_directory" : null,
    // Fairness mode (fairness.mjs): workspace A sends `flood` messages at once over `floodSessions`
    // sessions, workspace B sends `quiet` messages one at a time, alone and then during the flood.
    fairness: argv.includes("--fairness"),
    flood: positive("--flood", flags.flood, 500),
    floodSessions: flags["flood-sessions"] === undefined ? undefined : positive("--flood-sessions", flags["flood-sessions"]),
    quiet: positive("--quiet", flags.quiet, 10),
    // Processes mode (processes.mjs): `apis` API and `workers` worker processes of the built apps;
    // then, optionally, `idleStreams` idle SSE streams on an API of their own to weigh its memory.
    processes: argv.includes("--processes"),
    apis: positive("--apis", flags.apis, 1),
    workers: positive("--workers", flags.workers, 1),
    idleStreams: flags["idle-streams"] === undefined ? 0 : positive("--idle-streams", flags["idle-streams"]),
  };
  const processOnly = ["apis", "workers", "idle-streams"].filter((name) => flags[name] !== undefined);
  if (!options.processes && processOnly.length) throw new Error(`--${processOnly[0]} needs --processes`);
  if (options.fairness && options.warmup) throw new Error("--fairness has phases of its own: no --warmup with it");
  if (options.processes && (options.fairness || options.tools)) throw new Error("--processes runs plain sessions: no --fairness or --tools with it");
  return options;
}

export function benchEnv(options, database, prefix, redisUrl) {
  const env = {
    DATABASE_URL: database.url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    LOG_LEVEL: "warn",
    SCRIPTED_DELAY_MS: "0",
    SCRIPTED_CONTENT_DELTAS: "50",
    SCRIPTED_REASONING_DELTAS: "0",
    // Processes mode: the sessions' runs spread over the worker processes.
    WORKER_CONCURRENCY: String(Math.min(Math.ceil(options.sessions / (options.processes ? options.workers : 1)), 1_000)),
    // Fairness: the default number of workers' slots, far fewer than the flood, and runs that take
    // a while (50 deltas 5 ms apart), so a backlog builds and "one run's time" means something.
    ...(options.fairness ? { WORKER_CONCURRENCY: "8", SCRIPTED_DELAY_MS: "5" } : {}),
    SHUTDOWN_GRACE_MS: "5000",
    // One key sends a message per session per round and holds a stream per session: the
    // per-key limits (429 past them) would throttle the bench instead of measuring the pipeline.
    MESSAGE_RATE_LIMIT_PER_MINUTE: "1000000",
    KEY_RATE_LIMIT_PER_MINUTE: "1000000",
    WORKSPACE_RATE_LIMIT_PER_MINUTE: "10000000",
    SSE_MAX_STREAMS_PER_KEY: "1000000",
  };
  for (const key of ENV_OVERRIDES) if (process.env[key]) env[key] = process.env[key];
  return env;
}
