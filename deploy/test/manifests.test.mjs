/**
 * The Kubernetes manifests, checked offline: every file parses, every object fits its Kubernetes
 * (or KEDA) schema, and the invariants that keep the deployment working hold: settings are real
 * Config names with valid values, selectors select, autoscalers target what exists, the worker's
 * grace period covers its drain, the sandbox's lifted limits stay on the worker alone, and the
 * network policies open only the API, the stream gateway and the MCP server. The API's probe
 * paths are requested from a real API in apps/api/test/health-probes.e2e-spec.ts.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { BASE, ConfigSchema, OVERLAYS, base, configMap, find, loadConfig, ofKind, secretExample, worker } from "./fixtures.mjs";
import { KUBERNETES_DIR, podContainers, readYamlDocuments, renderKustomization } from "./render.mjs";
import { validateAgainstSchema } from "./schemas.mjs";

const deployments = (objects) => ofKind(objects, "Deployment");
const CONFIG_NAMES = new Set(Object.keys(ConfigSchema.shape));
const SECRET_NAME = /(_KEY|_KEYS|_TOKEN|_SECRET|PASSWORD|DATABASE_URL|REDIS_URL)$/;

describe("every manifest", () => {
  it("is in the base kustomization, or is the Secret's example", () => {
    const files = readdirSync(BASE).filter((file) => file.endsWith(".yaml") && file !== "kustomization.yaml" && !file.endsWith(".example.yaml"));
    const [kustomization] = readYamlDocuments(join(BASE, "kustomization.yaml"));
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
  });

  for (const dir of [BASE, ...OVERLAYS]) {
    it(`renders and fits the Kubernetes and KEDA schemas: ${dir.slice(KUBERNETES_DIR.length + 1)}`, () => {
      const objects = renderKustomization(dir);
      assert.ok(objects.length >= 15, `only ${objects.length} objects`);
      for (const object of [...objects, secretExample]) validateAgainstSchema(object);
      const keys = objects.map((object) => `${object.kind}/${object.metadata.name}`);
      assert.deepEqual(keys, [...new Set(keys)], "two objects share a kind and name");
    });
  }

  it("is refused by the schema check when broken (the check can fail)", () => {
    const broken = structuredClone(worker);
    broken.spec.template.spec.containers[0].securityContext.procMount = "Unmasked-ish";
    assert.throws(() => validateAgainstSchema(broken), /procMount/);
    const scaledObject = structuredClone(find(base, "ScaledObject", "mix-worker"));
    delete scaledObject.spec.triggers;
    assert.throws(() => validateAgainstSchema(scaledObject), /triggers/);
    assert.throws(() => validateAgainstSchema({ apiVersion: "v1", kind: "Pod", metadata: { name: "x" } }), /not a kind/);
  });

  it("renders as `kubectl kustomize` does, when kubectl is installed", { skip: !hasKubectl() && "kubectl is not installed" }, () => {
    const key = (object) => `${object.kind}/${object.metadata.name}`;
    const sorted = (objects) => [...objects].sort((a, b) => key(a).localeCompare(key(b)));
    for (const dir of [BASE, ...OVERLAYS]) {
      const printed = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" });
      assert.deepEqual(sorted(renderKustomization(dir)), sorted(parseAllDocuments(printed).map((document) => document.toJS())), dir);
    }
  });
});

describe("settings", () => {
  const containerEnv = deployments(base).flatMap((deployment) => podContainers(deployment).flatMap((container) => container.env ?? []));

  it("names only variables of the Config schema (packages/core/src/config)", () => {
    const names = [...Object.keys(configMap.data), ...Object.keys(secretExample.stringData), ...containerEnv.map((variable) => variable.name)];
    assert.deepEqual(
      names.filter((name) => !CONFIG_NAMES.has(name)),
      [],
    );
  });

  it("are valid values: the Config loads from the ConfigMap, the Secret's example and each container's env", () => {
    for (const deployment of deployments(base)) {
      const env = Object.fromEntries(podContainers(deployment).flatMap((container) => (container.env ?? []).map(({ name, value }) => [name, value])));
      const config = loadConfig({ ...configMap.data, ...secretExample.stringData, ...env });
      assert.equal(config.NODE_ENV, "production");
      assert.equal(config.SANDBOX_DRIVER, "bubblewrap");
    }
  });

  it("keeps secrets out of the ConfigMap, and every secret setting in the Secret", () => {
    assert.deepEqual(
      Object.keys(configMap.data).filter((name) => SECRET_NAME.test(name)),
      [],
    );
    assert.deepEqual(
      containerEnv.filter((variable) => SECRET_NAME.test(variable.name) && variable.value !== undefined).map((variable) => variable.name),
      [],
    );
    for (const name of ["DATABASE_URL", "REDIS_URL", "CREDENTIALS_ENCRYPTION_KEY", "METRICS_TOKEN"]) assert.ok(name in secretExample.stringData, name);
    for (const value of Object.values(secretExample.stringData))
      assert.ok(value === "" || value.includes("CHANGE_ME"), `a real-looking secret value: ${value}`);
  });

  it("is given whole to the processes that read the Config, and only DATABASE_URL to the migration", () => {
    for (const deployment of deployments(base)) {
      const sources = deployment.spec.template.spec.containers[0].envFrom.map((source) => source.configMapRef?.name ?? source.secretRef?.name);
      assert.deepEqual(sources, ["mix-config", "mix-secrets"], deployment.metadata.name);
    }
    const migrate = find(base, "Job", "mix-migrate").spec.template.spec.containers[0];
    assert.equal(migrate.envFrom, undefined);
    assert.deepEqual(migrate.env, [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "mix-secrets", key: "DATABASE_URL" } } }]);
  });
});

function hasKubectl() {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
