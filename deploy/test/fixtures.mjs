/** The rendered base and the objects and settings the checks keep coming back to. */
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { KUBERNETES_DIR, ROOT, readYamlDocuments, renderKustomization } from "./render.mjs";

const require = createRequire(import.meta.url);
// The built Config schema and names (scripts/test.sh runs after the build).
export const { ConfigSchema, loadConfig } = require(join(ROOT, "packages/core/dist/config/config.js"));
export const { QueueName } = require(join(ROOT, "packages/core/dist/contracts/jobs.js"));
export const { registeredMetricNames } = require(join(ROOT, "packages/core/dist/metrics/catalog.js"));

export const BASE = join(KUBERNETES_DIR, "base");
export const OVERLAYS = readdirSync(join(KUBERNETES_DIR, "overlays")).map((name) => join(KUBERNETES_DIR, "overlays", name));
export const base = renderKustomization(BASE);
export const [secretExample] = readYamlDocuments(join(BASE, "secrets.example.yaml"));

export const find = (objects, kind, name) => objects.find((object) => object.kind === kind && object.metadata.name === name);
export const ofKind = (objects, kind) => objects.filter((object) => object.kind === kind);
export const configMap = find(base, "ConfigMap", "mix-config");
export const worker = find(base, "Deployment", "mix-worker");

/** A setting as the processes see it: the ConfigMap's value, else the Config's default. */
export function setting(name) {
  return loadConfig({ ...configMap.data, ...secretExample.stringData })[name];
}

/** Whether a selector (matchLabels only, as these manifests use) selects a pod with these labels. */
export function selects(matchLabels, labels) {
  const pairs = Object.entries(matchLabels ?? {});
  return pairs.length > 0 && pairs.every(([key, value]) => labels?.[key] === value);
}
