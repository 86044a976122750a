/** The Grafana dashboard (deploy/grafana) queries only metrics the registry defines, through its datasource input. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { registeredMetricNames } from "../src/metrics/catalog";
import { metricsRegistry } from "../src/metrics/registry";

const root = path.resolve(__dirname, "../../..");

interface Panel {
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}

const dashboard = JSON.parse(readFileSync(path.join(root, "deploy/grafana/mix-dashboard.json"), "utf8")) as { __inputs: { name: string }[]; panels: Panel[] };

/** A histogram's series carry suffixes; the registry knows the histogram by its own name. */
async function histogramNames(): Promise<Set<string>> {
  const all = await metricsRegistry.getMetricsAsJSON();
  return new Set(all.filter((metric) => String(metric.type) === "histogram").map((metric) => metric.name));
}

it("declares its Prometheus datasource as an input every panel and query uses", () => {
  expect(dashboard.__inputs.map((input) => input.name)).toContain("DS_PROMETHEUS");
  expect(dashboard.panels.length).toBeGreaterThan(10);
  for (const panel of dashboard.panels) {
    expect(panel.datasource?.uid).toBe("${DS_PROMETHEUS}");
    expect(panel.targets?.length).toBeGreaterThan(0);
    for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe("${DS_PROMETHEUS}");
  }
});

it("queries only metrics the registry holds", async () => {
  const names = new Set(registeredMetricNames());
  const histograms = await histogramNames();
  const queried = dashboard.panels.flatMap((panel) => (panel.targets ?? []).flatMap((target) => target.expr.match(/\bmix_[a-z0-9_]+/g) ?? []));
  expect(queried.length).toBeGreaterThan(20);
  const unknown = queried.filter((name) => {
    if (names.has(name)) return false;
    const base = name.replace(/_(bucket|sum|count)$/, "");
    return !(base !== name && histograms.has(base));
  });
  expect(unknown).toEqual([]);
});

it("shows every product metric in some panel", () => {
  const queried = new Set(
    dashboard.panels
      .flatMap((panel) => (panel.targets ?? []).flatMap((target) => target.expr.match(/\bmix_[a-z0-9_]+/g) ?? []))
      .map((name) => name.replace(/_(bucket|sum|count)$/, "")),
  );
  const product = registeredMetricNames().filter((name) => !/^mix_(process|nodejs)_/.test(name));
  expect(product.filter((name) => !queried.has(name))).toEqual([]);
});
