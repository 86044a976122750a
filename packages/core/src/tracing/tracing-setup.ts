/**
 * The process's tracer: off unless the standard OpenTelemetry settings ask for it, so a stack
 * without a collector pays for nothing (the API's no-op tracer answers every span call). On:
 * spans go in batches to OTLP over HTTP (JSON) at `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, or at
 * `OTEL_EXPORTER_OTLP_ENDPOINT` + `/v1/traces`; the exporter reads those (and
 * `OTEL_EXPORTER_OTLP_HEADERS`, timeouts) itself, the provider reads `OTEL_TRACES_SAMPLER`, and
 * `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` override the process's default name.
 * W3C trace context (`traceparent`) is the propagator, for client requests and run jobs alike.
 */
import { context, propagation, trace } from "@opentelemetry/api";

/** The default service name of each process (`OTEL_SERVICE_NAME` wins). */
export const TRACED_SERVICE = { api: "mix-api", worker: "mix-worker", mcp: "mix-mcp" } as const;

export interface Tracing {
  /** False when no endpoint is set or `OTEL_SDK_DISABLED` is true: nothing was registered. */
  readonly enabled: boolean;
  /** Sends the spans still buffered (a test reads them right after). */
  flush(): Promise<void>;
  /** Flushes, then unregisters the tracer: later spans are no-ops again. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, flush: async () => {}, shutdown: async () => {} };
let current: Tracing = OFF;

/** Whether this process registered a tracer: with none, the span helpers skip the API's no-op spans altogether. */
export const tracingEnabled = (): boolean => current.enabled;

/** Whether the environment asks for traces (an OTLP endpoint, and the SDK not disabled). */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim());
}

/**
 * Registers the process's tracer when the environment asks for one; a second call returns the
 * first one's. First thing in a main: spans made before it are no-ops.
 */
export function startTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (current.enabled || !tracingRequested(env)) return current;
  // Required here, not imported: with tracing off the SDK is never loaded (tracing-sdk.ts).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { registerTracerProvider } = require("./tracing-sdk") as typeof import("./tracing-sdk");
  const provider = registerTracerProvider(defaultServiceName);
  const tracing: Tracing = {
    enabled: true,
    flush: () => provider.forceFlush(),
    async shutdown() {
      if (current !== tracing) return;
      current = OFF;
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
      }
    },
  };
  current = tracing;
  return tracing;
}

/** Flushes and unregisters the process's tracer, if any: runService calls it once the process stopped. */
export function stopTracing(): Promise<void> {
  return current.shutdown();
}
