/** Every metric of the product, loaded: what a scrape can show and a dashboard can query. */
import "./metrics";
import "./queue-depth";
import "./run-meter";
import { metricsRegistry } from "./registry";

/** The names of every metric the registry holds (the dashboard's test checks its queries against them). */
export function registeredMetricNames(): string[] {
  return metricsRegistry.getMetricsAsArray().map((metric) => metric.name);
}
