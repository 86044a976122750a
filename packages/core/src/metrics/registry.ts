/**
 * The process's one Prometheus registry: every metric of the product is registered here (the
 * definitions in metrics.ts), with Node's default process metrics, all named `mix_...`. One
 * registry per process, so an API, a worker and an MCP server each expose what they did.
 */
import { collectDefaultMetrics, Registry } from "prom-client";

export const METRIC_PREFIX = "mix_";

export const metricsRegistry = new Registry();

// CPU, memory, event loop lag, GC, handles: read on each scrape (no timer of their own).
collectDefaultMetrics({ register: metricsRegistry, prefix: METRIC_PREFIX });

/** The Content-Type of the text `renderMetrics` returns (Prometheus text format 0.0.4). */
export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;

/** Everything the process measured so far, in Prometheus text format. */
export function renderMetrics(): Promise<string> {
  return metricsRegistry.metrics();
}
