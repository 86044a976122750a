/**
 * The product's metrics, defined once. Labels hold only bounded values (route patterns, event
 * names, tool names the registry knows, outcomes), never ids or raw URLs: each label value is
 * a series Prometheus keeps.
 */
import { Counter, Gauge, Histogram } from "prom-client";
import { metricsRegistry } from "./registry";

const registers = [metricsRegistry];

// Seconds, from a fast in-memory answer to a slow model call.
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const LONG_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
// A user answering a permission or a question: seconds to an hour.
const WAIT_BUCKETS = [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export const httpRequests = new Counter({
  name: "mix_http_requests_total",
  help: "HTTP requests answered by the API, by route pattern, method and status",
  labelNames: ["route", "method", "status"] as const,
  registers,
});

export const httpRequestDuration = new Histogram({
  name: "mix_http_request_duration_seconds",
  help: "Time from a request's arrival to its answer's end (an SSE stream: until it closes)",
  labelNames: ["route", "method", "status"] as const,
  buckets: REQUEST_BUCKETS,
  registers,
});

export const sseConnectionsOpen = new Gauge({
  name: "mix_sse_connections_open",
  help: "SSE streams this API instance holds open",
  registers,
});

export const sseEventsSent = new Counter({
  name: "mix_sse_events_sent_total",
  help: "Events written to SSE clients (replayed, live and notices; heartbeats not counted), by event name",
  labelNames: ["event"] as const,
  registers,
});

export const queueWait = new Histogram({
  name: "mix_queue_wait_seconds",
  help: "Time a job waited in its queue: from when it was added to when a worker took it (each pick-up, so a job that stepped back counts again)",
  labelNames: ["queue"] as const,
  buckets: LONG_BUCKETS,
  registers,
});

export const runsFinished = new Counter({
  name: "mix_runs_finished_total",
  help: "Runs this worker ended, by outcome (completed, cancelled, max_steps_reached, credits_exhausted, failed, abandoned)",
  labelNames: ["outcome"] as const,
  registers,
});

export const runDuration = new Histogram({
  name: "mix_run_duration_seconds",
  help: "Time from a run's first start on a worker to its end, by outcome",
  labelNames: ["outcome"] as const,
  buckets: LONG_BUCKETS,
  registers,
});

export const runFirstToken = new Histogram({
  name: "mix_run_first_token_seconds",
  help: "Time from the start of a run's attempt on a worker to its first content delta",
  buckets: REQUEST_BUCKETS,
  registers,
});

export const modelCalls = new Counter({
  name: "mix_model_calls_total",
  help: "Model calls whose step was stored, by provider and model",
  labelNames: ["provider", "model"] as const,
  registers,
});

export const modelTokens = new Counter({
  name: "mix_model_tokens_total",
  help: "Tokens of stored model calls, by provider, model and kind (prompt, completion; cache_read and cache_write, of the prompt tokens)",
  labelNames: ["provider", "model", "kind"] as const,
  registers,
});

export const modelCost = new Counter({
  name: "mix_model_cost_usd_total",
  help: "Cost in USD of stored model calls (from the price table), by provider and model",
  labelNames: ["provider", "model"] as const,
  registers,
});

export const toolCalls = new Counter({
  name: "mix_tool_calls_total",
  help: "Tool calls the agent made, by tool and outcome (ok, error, interrupted)",
  labelNames: ["tool", "outcome"] as const,
  registers,
});

export const toolCallDuration = new Histogram({
  name: "mix_tool_call_duration_seconds",
  help: "Time of a tool call from its checks (permission wait included) to its result, by tool and outcome",
  labelNames: ["tool", "outcome"] as const,
  buckets: LONG_BUCKETS,
  registers,
});

export const sandboxRuns = new Counter({
  name: "mix_sandbox_runs_total",
  help: "Commands started in the sandbox, by driver and outcome (exited, failed, timeout, abort, start_error)",
  labelNames: ["driver", "outcome"] as const,
  registers,
});

export const userRequestWait = new Histogram({
  name: "mix_user_request_wait_seconds",
  help: "Time a run waited on a user (a permission or a notification's answer), by kind and outcome",
  labelNames: ["kind", "outcome"] as const,
  buckets: WAIT_BUCKETS,
  registers,
});

export const redisErrors = new Counter({
  name: "mix_redis_errors_total",
  help: "Errors reported by the process's Redis connections (each failed connect or reconnect counts)",
  registers,
});

export const postgresErrors = new Counter({
  name: "mix_postgres_errors_total",
  help: "Failed Postgres queries, by Prisma error code (or error class when it has none)",
  labelNames: ["code"] as const,
  registers,
});
