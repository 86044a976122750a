/**
 * One-line hooks the hot paths call (HTTP, SSE, queue, model, tool, sandbox, waits, Redis,
 * Postgres), so a file that measures something adds a call, not the metric's details.
 */
import {
  httpRequestDuration,
  httpRequests,
  modelCalls,
  modelCost,
  modelTokens,
  postgresErrors,
  queueWait,
  redisErrors,
  sandboxRuns,
  sseConnectionsOpen,
  sseEventsSent,
  toolCallDuration,
  toolCalls,
  userRequestWait,
} from "./metrics";

const secondsSince = (startMs: number) => (performance.now() - startMs) / 1000;

export function recordHttpRequest(labels: { route: string; method: string; status: number }, seconds: number): void {
  const values = { route: labels.route, method: labels.method, status: String(labels.status) };
  httpRequests.inc(values);
  httpRequestDuration.observe(values, seconds);
}

export const sseOpened = (): void => sseConnectionsOpen.inc();
export const sseClosed = (): void => sseConnectionsOpen.dec();
export const sseEventSent = (event: string): void => sseEventsSent.inc({ event });

/** A job taken by a worker: BullMQ's `timestamp` (added) and `processedOn` (taken), in ms. */
export function recordQueueWait(queue: string, job: { timestamp: number; processedOn?: number | undefined }): void {
  const waitedMs = (job.processedOn ?? Date.now()) - job.timestamp;
  // A job without its times (a hand-made one) is not measured: a metric hook must never fail the job.
  if (!Number.isFinite(waitedMs)) return;
  queueWait.observe({ queue }, Math.max(0, waitedMs) / 1000);
}

export interface CountedModelUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of the prompt tokens, read from and written to the provider's prompt cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cost: number;
}

export function countModelCall(labels: { provider: string; model: string }, usage: CountedModelUsage): void {
  const { provider, model } = labels;
  modelCalls.inc({ provider, model });
  modelTokens.inc({ provider, model, kind: "prompt" }, usage.promptTokens);
  modelTokens.inc({ provider, model, kind: "completion" }, usage.completionTokens);
  // Counted apart as well as within "prompt": the cached share is what the cache saves.
  if (usage.cacheReadTokens) modelTokens.inc({ provider, model, kind: "cache_read" }, usage.cacheReadTokens);
  if (usage.cacheWriteTokens) modelTokens.inc({ provider, model, kind: "cache_write" }, usage.cacheWriteTokens);
  // A counter only goes up: a negative or non-finite cost (a broken price table) would throw.
  if (Number.isFinite(usage.cost) && usage.cost > 0) modelCost.inc({ provider, model }, usage.cost);
}

/**
 * Times one tool call. `tool` is the label: the caller passes a name the registry knows (the
 * model may ask for any name, and each would be a series). Outcome "interrupted" when it throws.
 */
export async function measureToolCall<R extends { isError: boolean }>(tool: string, call: () => Promise<R>): Promise<R> {
  const startedAt = performance.now();
  let outcome = "interrupted";
  try {
    const result = await call();
    outcome = result.isError ? "error" : "ok";
    return result;
  } finally {
    toolCalls.inc({ tool, outcome });
    toolCallDuration.observe({ tool, outcome }, secondsSince(startedAt));
  }
}

export const countSandboxRun = (driver: string, outcome: "exited" | "failed" | "timeout" | "abort" | "start_error"): void =>
  sandboxRuns.inc({ driver, outcome });

/** Times a wait on the user; the outcome is the request's settled status, or "cancelled" when the wait threw. */
export async function measureUserRequestWait<R extends { status: string }>(kind: string, wait: () => Promise<R>): Promise<R> {
  const startedAt = performance.now();
  let outcome = "cancelled";
  try {
    const record = await wait();
    outcome = record.status;
    return record;
  } finally {
    userRequestWait.observe({ kind, outcome }, secondsSince(startedAt));
  }
}

export const countRedisError = (): void => redisErrors.inc();

/** A failed Postgres query: labelled by Prisma's error code (P1001: unreachable, P2002: unique, ...), a direct statement's SQLSTATE (23505, ...) or the error's class. */
export function countPostgresError(error: unknown): void {
  const code = typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : error instanceof Error ? error.name : "unknown";
  postgresErrors.inc({ code: code.slice(0, 64) });
}
