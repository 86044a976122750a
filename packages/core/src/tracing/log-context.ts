/**
 * What every log line of a run says about it: the run's ids (kept in an AsyncLocalStorage for
 * the run's whole async tree, so any logger the run's code holds tags its lines) and the active
 * span's trace and span ids, which tie a log line to its trace in a backend. The ids come along
 * with tracing off too; the trace ids only when a span is recording.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { trace } from "@opentelemetry/api";

export interface RunLogIds {
  runId: string;
  sessionId: string;
  workspaceId: string;
}

const runIds = new AsyncLocalStorage<RunLogIds>();

/** Runs `work` with its log lines tagged by the run's ids. */
export function withRunLogIds<T>(ids: RunLogIds, work: () => T): T {
  return runIds.run({ runId: ids.runId, sessionId: ids.sessionId, workspaceId: ids.workspaceId }, work);
}

/** The pino mixin: the run's ids and the active trace, or nothing outside a run and a span. */
export function logContextMixin(): Record<string, string> {
  const ids = runIds.getStore();
  const span = trace.getActiveSpan()?.spanContext();
  if (!ids && !span) return {};
  return { ...ids, ...(span ? { traceId: span.traceId, spanId: span.spanId } : {}) };
}
