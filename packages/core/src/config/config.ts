/**
 * All configuration, read from the environment once at boot into one typed object. A bad or
 * missing value stops the process with a message that names the variable.
 */
import { z } from "zod";
import { MAX_MESSAGE_TEXT_LENGTH } from "../contracts/messages";
import { parseEncryptionKey, parseEncryptionKeys } from "../secrets/secret-box";
import { BROWSER_CLIENT_SETTINGS } from "./browser-client-settings";
import { SEARCH_SETTINGS } from "./search-settings";
import { KNOWLEDGE_SETTINGS } from "./knowledge-settings";
import { METRICS_SETTINGS } from "./metrics-settings";
import { REDIS_SETTINGS } from "./redis-settings";
import { CONTEXT_SETTINGS } from "./context-settings";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }),
  DATABASE_POOL_SIZE: int(1, 200).default(10),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" }).default("redis://127.0.0.1:6379"),
  /** Prefix of every Redis key and channel of this deployment (and of each test file). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "letters, digits, ':', '_' or '-' only")
    .default("mix"),
  /** A Redis Cluster instead of REDIS_URL (redis-settings.ts). */
  ...REDIS_SETTINGS,

  PORT: int(0, 65_535).default(8088),
  HOST: z.string().default("0.0.0.0"),
  /** Largest JSON body the API parses; a larger one is answered with 413. */
  BODY_LIMIT_BYTES: int(1_024, 50 * 1024 * 1024).default(1024 * 1024),
  /** Port of the MCP server (apps/mcp-server, Streamable HTTP at /mcp). */
  MCP_PORT: int(0, 65_535).default(8090),
  /** Port of the stream gateway (apps/api's stream-gateway entry: `GET /stream` alone, for many idle streams). */
  STREAM_GATEWAY_PORT: int(0, 65_535).default(8089),
  /** An API key accepted for a local workspace, created at boot if missing (local use only). */
  MIX_API_KEY: z.string().min(16, "must be at least 16 characters").optional(),

  SSE_HEARTBEAT_MS: int(100, 300_000).default(15_000),
  /** Bytes an SSE client may have unread before it is cut off (it resumes with Last-Event-ID). */
  SSE_MAX_BUFFERED_BYTES: int(1_024, 256 * 1024 * 1024).default(4 * 1024 * 1024),
  SSE_RETRY_MS: int(100, 600_000).default(3_000),
  /** Open SSE streams each API key may hold at once, across all instances; one more answers 429. */
  SSE_MAX_STREAMS_PER_KEY: int(1, 1_000_000).default(32),

  /** Events kept per session for replay, and how long the log lives after its last event. */
  EVENT_LOG_MAX_LEN: int(100, 10_000_000).default(10_000),
  EVENT_LOG_TTL_SECONDS: int(60, 30 * 24 * 3600).default(24 * 3600),

  WORKER_CONCURRENCY: int(1, 1_000).default(8),
  /** Parser jobs (a knowledge PDF's text, a video's thumbnail) one worker runs at once, beside its runs. */
  PARSE_CONCURRENCY: int(1, 100).default(2),
  /** How long the API lets a parser job wait for a worker, past the parser's own time, before it answers 503. */
  PARSE_QUEUE_WAIT_MS: int(100, 600_000).default(30_000),
  /** A run's hold on its session; renewed every third of this while the run is alive. */
  RUN_LEASE_MS: int(1_000, 600_000).default(30_000),
  /** How long a job for a busy session waits before it looks again (it is also woken early). */
  RUN_BUSY_RETRY_MS: int(10, 60_000).default(500),
  /**
   * Runs of one workspace executing at once, across all workers, unless its plan sets
   * maxConcurrentRuns; unset: no cap beyond the workers'. A run over the cap waits, holding no worker.
   */
  WORKSPACE_MAX_CONCURRENT_RUNS: int(1, 10_000).optional(),
  SHUTDOWN_GRACE_MS: int(0, 600_000).default(30_000),

  /** The model provider used when neither the session nor the workspace's preferences name one. */
  MODEL_PROVIDER: z.enum(["scripted", "anthropic", "openai", "gemini", "openrouter", "openai-compatible"]).default("scripted"),
  /** The model id used with MODEL_PROVIDER; unset means that provider's default model. */
  MODEL_ID: z.string().min(1).max(200).optional(),
  /** API roots (with version) of each provider: proxies, regional endpoints, local servers, test fakes. */
  ANTHROPIC_BASE_URL: z.url().optional(),
  OPENAI_BASE_URL: z.url().optional(),
  GEMINI_BASE_URL: z.url().optional(),
  OPENROUTER_BASE_URL: z.url().optional(),
  /** An OpenAI-compatible server (Ollama, vLLM, LM Studio), e.g. http://localhost:11434/v1, and its key if it needs one. */
  OPENAI_COMPATIBLE_BASE_URL: z.url().optional(),
  OPENAI_COMPATIBLE_API_KEY: z.string().optional(),
  /** Model calls per step, counting the first: rate-limit and overload answers are retried with backoff. */
  MODEL_MAX_ATTEMPTS: int(1, 20).default(4),
  /** First retry delay; doubles per attempt up to MODEL_RETRY_MAX_MS unless the provider says when. */
  MODEL_RETRY_BASE_MS: int(0, 600_000).default(1_000),
  MODEL_RETRY_MAX_MS: int(0, 600_000).default(30_000),
  /** Model calls a run may make (each may end in tool calls) unless the message sets max_steps. */
  AGENT_MAX_STEPS: int(1, 1_000).default(50),
  /**
   * Prices in USD per million tokens, merged over the built-in table, as JSON:
   * {"model-id": {"input": 3, "output": 15}}.
   */
  MODEL_PRICES_JSON: z.string().optional(),
  /** How long a tool waits for a permission answer before it counts as denied. */
  PERMISSION_TIMEOUT_MS: int(100, 24 * 3_600_000).default(300_000),
  /** How long the agent's question waits for the user's answer when it states no time of its own. */
  NOTIFICATION_TIMEOUT_MS: int(5_000, 24 * 3_600_000).default(300_000),
  /** The longest wait a question may state: the run holds its worker meanwhile. */
  NOTIFICATION_MAX_TIMEOUT_MS: int(5_000, 24 * 3_600_000).default(3_600_000),
  /** Default time limit of a bash_script callback without its own bashTimeout. */
  CALLBACK_TIMEOUT_MS: int(100, 600_000).default(60_000),
  /** How often workers look for runs whose worker died (BullMQ stalled-job check). */
  RUN_STALLED_CHECK_MS: int(500, 600_000).default(30_000),
  /**
   * How often each worker's recovery sweep looks, in Postgres, for active runs no worker holds
   * (a lost job after a Redis loss, a dead worker, a cancel no worker saw); one worker at a time.
   */
  RUN_RECOVERY_INTERVAL_MS: int(500, 600_000).default(5_000),
  /** A queued run younger than this may still be between its insert and its enqueue: the sweep leaves it. */
  RUN_ENQUEUE_GRACE_MS: int(100, 600_000).default(5_000),
  /** A run started this many times without finishing (its worker keeps dying) is failed, not requeued. */
  RUN_MAX_ATTEMPTS: int(1, 100).default(5),
  /**
   * MCP servers offered to every workspace's agent and listed by GET /api/mcp: a JSON file in the
   * format MCP clients use ({"mcpServers": {"name": {"command", "args", "env"} | {"url", "headers"}}}).
   */
  MCP_SERVERS_FILE: z.string().min(1).optional(),
  /** A JSON file of plans (name to plan) added to, or replacing, the built-in ones (core plans/plan-catalog.ts). */
  PLANS_FILE: z.string().min(1).optional(),
  /** How often the MCP servers' status and tools are refreshed in the background. */
  MCP_REFRESH_MS: int(1_000, 24 * 3_600_000).default(60_000),
  SCRIPTED_CONTENT_DELTAS: int(1, 100_000).default(24),
  SCRIPTED_REASONING_DELTAS: int(0, 100_000).default(6),
  SCRIPTED_DELAY_MS: int(0, 60_000).default(25),
  /** Pads each scripted content delta to this many characters (load tests of large events). */
  SCRIPTED_DELTA_MIN_CHARS: int(0, 1_000_000).default(0),

  /** Requests each API key may make per minute to rate-limited routes (POST /api/chat), across all instances. */
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(120),
  /** Messages each API key may send per minute (POST /api/sessions/{id}/messages and /stream/{id}/message), across all instances. */
  MESSAGE_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(60),
  /**
   * Requests per minute that create work or change state (POST, PUT, PATCH, DELETE), per API key
   * and for a whole workspace, as token buckets in Redis holding a minute's worth; a plan's own
   * numbers replace these. One over answers 429 with Retry-After.
   */
  KEY_RATE_LIMIT_PER_MINUTE: int(1, 1_000_000).default(600),
  WORKSPACE_RATE_LIMIT_PER_MINUTE: int(1, 10_000_000).default(1_800),
  /** Longest message text (characters) a send accepts, at most the contract's bound; longer answers 400. */
  MESSAGE_MAX_CHARS: int(1, MAX_MESSAGE_TEXT_LENGTH).default(MAX_MESSAGE_TEXT_LENGTH),
  /** Sessions (forks included, subagents not) a workspace may hold unless its plan sets maxSessions; unset: no cap. */
  MAX_SESSIONS_PER_WORKSPACE: int(1, 100_000_000).optional(),

  STORAGE_DIR: z.string().min(1).default(".data/storage"),
  /** Lets the agent's web_fetch reach loopback, private and link-local addresses (off: SSRF guard). */
  FETCH_ALLOW_PRIVATE_NETWORKS: z.stringbool().default(false),
  /** The agent's Search tool (search-settings.ts). */
  ...SEARCH_SETTINGS,
  /** Knowledge sources: quotas, chunking, retrieval (knowledge-settings.ts). */
  ...KNOWLEDGE_SETTINGS,
  ...BROWSER_CLIENT_SETTINGS,
  ...METRICS_SETTINGS,
  /** What the model is sent: windows, compaction, large tool outputs, caching (context-settings.ts). */
  ...CONTEXT_SETTINGS,

  /**
   * How agent commands (Bash, bash_script callbacks, python_execution) are confined.
   * "bubblewrap": own namespaces, read-only system, only the session folder writable, no network
   * unless the workspace allows egress. "none": unconfined on the worker host (unsafe; refused in
   * production or with several workspaces unless SANDBOX_ACCEPT_UNCONFINED=true).
   */
  SANDBOX_DRIVER: z.enum(["bubblewrap", "none"]).default("bubblewrap"),
  /** Says "I accept that SANDBOX_DRIVER=none lets any session read this host's secrets". */
  SANDBOX_ACCEPT_UNCONFINED: z.stringbool().default(false),
  /** The bubblewrap program: a name on PATH or an absolute path. */
  SANDBOX_BWRAP_PATH: z.string().min(1).default("bwrap"),
  /** The unprivileged user and group commands run as when the worker runs as root (it never runs them as root). */
  SANDBOX_UID: int(1, 2_147_483_646).default(10_001),
  SANDBOX_GID: int(1, 2_147_483_646).default(10_001),
  /** Limits of every sandboxed command; hitting one is a tool error naming it. CPU seconds per process. */
  SANDBOX_CPU_SECONDS: int(1, 86_400).default(300),
  /** Memory each process may write to (data and heap), in MB. */
  SANDBOX_MEMORY_MB: int(16, 1_048_576).default(2_048),
  /** Processes and threads a command may have at once (its fork-bomb bound). */
  SANDBOX_MAX_PROCESSES: int(8, 1_000_000).default(256),
  /** Largest file a command may write, in MB. */
  SANDBOX_MAX_FILE_MB: int(1, 1_048_576).default(1_024),
  SANDBOX_MAX_OPEN_FILES: int(16, 1_048_576).default(1_024),
  /** Size of the sandbox's in-memory /tmp and home folder, each, in MB. */
  SANDBOX_TMP_MB: int(1, 1_048_576).default(512),
  /** Destination ports a workspace with egress may reach through the proxy, comma-separated. */
  SANDBOX_EGRESS_PORTS: z
    .string()
    .regex(/^\d{1,5}(,\d{1,5})*$/, "comma-separated port numbers, e.g. 80,443")
    .transform((value) => value.split(",").map(Number))
    .refine((ports) => ports.every((port) => port >= 1 && port <= 65_535), "ports must be 1..65535")
    .default([80, 443]),
  /** The agent's browser (browser/): Chromium by name on PATH or absolute path; idle close; browsers per worker; private cdpUrl hosts allowed. */
  BROWSER_EXECUTABLE: z.string().min(1).default("chromium"),
  BROWSER_IDLE_MS: int(1_000, 24 * 3_600_000).default(300_000),
  BROWSER_MAX_SESSIONS: int(1, 1_000).default(4),
  BROWSER_ALLOW_PRIVATE_CDP: z.stringbool().default(false),

  /** Folder of custom slash commands, one `<name>.md` per command; relative to the working directory. */
  COMMANDS_DIR: z.string().min(1).default(".mix/commands"),

  /**
   * Key that encrypts provider credentials at rest (AES-256-GCM): 64 hex characters or 32 bytes
   * in base64. Optional: without it the API refuses to store credentials, and only env keys work.
   */
  CREDENTIALS_ENCRYPTION_KEY: z
    .string()
    .refine((value) => parseEncryptionKey(value) !== null, "must be 64 hex characters or 32 bytes in base64 (openssl rand -base64 32)")
    .optional(),
  /**
   * Named keys for rotation, "id:key,id:key", newest first: the newest encrypts, every one listed
   * decrypts what it encrypted (values carry the key's id). CREDENTIALS_ENCRYPTION_KEY, if also set,
   * still opens the values it wrote. `pnpm mix credentials rotate` re-encrypts all under the newest.
   */
  CREDENTIALS_ENCRYPTION_KEYS: z
    .string()
    .superRefine((value, context) => {
      const parsed = parseEncryptionKeys(value);
      if ("error" in parsed) context.addIssue({ code: "custom", message: parsed.error });
    })
    .optional(),
  /** Deployment-wide provider keys, used when a workspace has stored none of its own. */
  ANTHROPIC_API_KEY: z.string().optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENROUTER_API_KEY: z.string().optional(),
  GEMINI_API_KEY: z.string().optional(),
  BRAVE_API_KEY: z.string().optional(),
  /**
   * Provider OAuth (authorization code + PKCE): a provider offers OAuth only when its client id,
   * authorize URL, token URL and redirect URI are all set. Only Anthropic supports it.
   */
  ANTHROPIC_OAUTH_CLIENT_ID: z.string().optional(),
  ANTHROPIC_OAUTH_AUTHORIZE_URL: z.url().optional(),
  ANTHROPIC_OAUTH_TOKEN_URL: z.url().optional(),
  ANTHROPIC_OAUTH_REDIRECT_URI: z.url().optional(),
  /** Space-separated scopes asked for. */
  ANTHROPIC_OAUTH_SCOPES: z.string().default("org:create_api_key user:profile user:inference"),
});

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses `env` (default: process.env); throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const result = ConfigSchema.safeParse(cleaned);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join("\n")}`);
}
