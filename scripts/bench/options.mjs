// The bench's options (flags and BENCH_* variables) and the environment its stack runs with.

/** Config keys the caller may override from the environment (everything else is fixed). */
const ENV_OVERRIDES = ["DATABASE_POOL_SIZE", "WORKER_CONCURRENCY", "SCRIPTED_CONTENT_DELTAS", "SCRIPTED_REASONING_DELTAS", "SCRIPTED_DELAY_MS"];

export function parseOptions(argv, env) {
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

export function benchEnv(options, database, prefix, redisUrl) {
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
