/** Tracing off by default: no provider registered, no-op spans, run log ids all the same. */
import { ProxyTracerProvider, SpanKind, trace } from "@opentelemetry/api";
import { RunAgentJob } from "../contracts";
import { logContextMixin, withRunLogIds } from "./log-context";
import { inSpan, traceCarrier, traceRun } from "./spans";
import { startTracing, tracingRequested } from "./tracing-setup";

const ids = { runId: "run-1", sessionId: "session-1", workspaceId: "workspace-1" };

describe("tracing settings", () => {
  it("is requested by either OTLP endpoint, and never when the SDK is disabled", () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "  " })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" })).toBe(true);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "TRUE" })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318", OTEL_SDK_DISABLED: "false" })).toBe(true);
  });
});

describe("with no OTEL settings", () => {
  it("registers no tracer provider, and spans are no-ops that carry nothing", async () => {
    const tracing = startTracing("mix-test", {});
    expect(tracing.enabled).toBe(false);
    const provider = trace.getTracerProvider() as ProxyTracerProvider;
    expect(provider).toBeInstanceOf(ProxyTracerProvider);
    // The API's own no-op provider is the delegate: nothing was set.
    expect(provider.getDelegate().constructor.name).toBe("NoopTracerProvider");
    const seen = await inSpan("work", SpanKind.INTERNAL, {}, async (span) => ({ recording: span.isRecording(), carrier: traceCarrier() }));
    expect(seen).toEqual({ recording: false, carrier: undefined });
  });

  it("still tags a run's log lines with its ids, and nothing outside a run", async () => {
    expect(logContextMixin()).toEqual({});
    const inside = await traceRun({ ...ids, trace: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } }, async () => logContextMixin());
    expect(inside).toEqual(ids);
    expect(withRunLogIds(ids, () => logContextMixin())).toEqual(ids);
    expect(logContextMixin()).toEqual({});
  });

  it("leaves the API out altogether: no span is started and no context entered", async () => {
    const getTracer = jest.spyOn(trace, "getTracer");
    try {
      const seen = await inSpan("work", SpanKind.INTERNAL, {}, async (span) => ({ recording: span.isRecording(), active: trace.getActiveSpan() }));
      await traceRun(ids, async () => undefined);
      expect(seen).toEqual({ recording: false, active: undefined });
      expect(getTracer).not.toHaveBeenCalled();
    } finally {
      getTracer.mockRestore();
    }
  });

  it("rethrows a failed run's error", async () => {
    await expect(traceRun(ids, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
  });
});

describe("the job's trace carrier", () => {
  it("is optional, and one that does not fit is dropped instead of refusing the job", () => {
    expect(RunAgentJob.parse(ids)).toEqual(ids);
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(RunAgentJob.parse({ ...ids, trace: { traceparent } }).trace).toEqual({ traceparent });
    expect(RunAgentJob.parse({ ...ids, trace: { traceparent: "x".repeat(5_000) } }).trace).toBeUndefined();
    expect(RunAgentJob.parse({ ...ids, trace: "not a carrier" }).trace).toBeUndefined();
    expect(RunAgentJob.parse({ ...ids, trace: { traceparent: 7 } }).trace).toBeUndefined();
  });
});
