/**
 * The spans of the run path, as wrappers the hot-path files call in one line: a run's job, a
 * model call (GenAI semantic conventions), a tool call, an event append (a span event, cheap).
 * With tracing off, each skips the API altogether (its no-op spans and context switches were 1 %
 * of a short run's CPU); the run's log ids are kept either way.
 */
import { context, INVALID_SPAN_CONTEXT, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import { withRunLogIds, type RunLogIds } from "./log-context";
import { tracingEnabled } from "./tracing-setup";

/** What `work` is handed with tracing off: records nothing, as the API's no-op span. */
const UNTRACED: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

// GenAI attributes are still incubating in the semantic conventions package, whose own advice is
// to copy them rather than import its unstable entry point. `gen_ai.system` is the older name
// some backends still read; `gen_ai.provider.name` replaces it.
const GEN_AI = {
  operation: "gen_ai.operation.name",
  provider: "gen_ai.provider.name",
  system: "gen_ai.system",
  requestModel: "gen_ai.request.model",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  toolName: "gen_ai.tool.name",
  toolCallId: "gen_ai.tool.call.id",
} as const;

/** The name the spans are recorded under (the instrumentation scope). */
const tracer = () => trace.getTracer("mix");

/** W3C trace context of the active span, for a job's payload; undefined when nothing is traced. */
export function traceCarrier(): Record<string, string> | undefined {
  if (!trace.getActiveSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return Object.keys(carrier).length > 0 ? carrier : undefined;
}

/** Runs `work` in a new active span, ended when it settles; a throw marks the span failed. */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span) => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return work(UNTRACED);
  return tracer().startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      failSpan(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

function failSpan(span: Span, error: unknown): void {
  const name = error instanceof Error ? error.name : "Error";
  // BullMQ's DelayedError is how a job steps back to wait for its session: not a failure.
  if (name === "DelayedError") return;
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  span.setAttribute(ATTR_ERROR_TYPE, name);
}

/**
 * One processing of a run's job, `run <id>`. Parented (not linked) by the context the send
 * carried in the job, so the request that queued the run and the run are one trace; a job
 * without a carrier (re-enqueued by the recovery sweep) starts its own. Log lines inside carry
 * the run's ids and the trace.
 */
export function traceRun<T>(job: RunLogIds & { trace?: Record<string, string> | undefined }, work: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return withRunLogIds(job, work);
  const parent = job.trace ? propagation.extract(context.active(), job.trace) : context.active();
  const attributes = { "mix.run.id": job.runId, "mix.session.id": job.sessionId, "mix.workspace.id": job.workspaceId };
  return withRunLogIds(job, () => context.with(parent, () => inSpan(`run ${job.runId}`, SpanKind.CONSUMER, attributes, () => work())));
}

/** The enqueue of a run's job, a producer span whose context the job carries (see traceRun). */
export function traceEnqueue<T>(runId: string, work: (carrier: Record<string, string> | undefined) => Promise<T>): Promise<T> {
  return inSpan("enqueue run", SpanKind.PRODUCER, { "mix.run.id": runId, "messaging.system": "bullmq", "messaging.operation.type": "send" }, () =>
    work(traceCarrier()),
  );
}

export interface TracedModelStep {
  finishReason: string;
  usage: { promptTokens: number; completionTokens: number };
}

/** One model call, `chat <model>`, with the GenAI attributes and the tokens it used. */
export function traceModelCall<T extends TracedModelStep>(call: { provider: string; model: string }, work: () => Promise<T>): Promise<T> {
  const attributes = { [GEN_AI.operation]: "chat", [GEN_AI.provider]: call.provider, [GEN_AI.system]: call.provider, [GEN_AI.requestModel]: call.model };
  return inSpan(`chat ${call.model}`, SpanKind.CLIENT, attributes, async (span) => {
    const step = await work();
    span.setAttributes({
      [GEN_AI.inputTokens]: step.usage.promptTokens,
      [GEN_AI.outputTokens]: step.usage.completionTokens,
      [GEN_AI.finishReasons]: [step.finishReason],
    });
    return step;
  });
}

/** One tool call, `execute_tool <name>`; a result that is an error marks the span failed. */
export function traceToolCall<T extends { isError?: boolean | undefined }>(call: { id: string; name: string }, work: () => Promise<T>): Promise<T> {
  const attributes = { [GEN_AI.operation]: "execute_tool", [GEN_AI.toolName]: call.name, [GEN_AI.toolCallId]: call.id };
  return inSpan(`execute_tool ${call.name}`, SpanKind.INTERNAL, attributes, async (span) => {
    const result = await work();
    if (result.isError) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${call.name} failed` });
      span.setAttribute(ATTR_ERROR_TYPE, "tool_error");
    }
    return result;
  });
}

// Streamed deltas come one per token: as span events they would only crowd out the others.
const UNNOTED_EVENTS = new Set(["content", "thinking", "tool_use_parameter_delta"]);

/** An event appended to a session's log, as an event of the active span (nothing when none records). */
export function noteEventAppended(event: string, id: string): void {
  if (UNNOTED_EVENTS.has(event) || !tracingEnabled()) return;
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.addEvent(`event ${event}`, { "mix.event.id": id });
}
