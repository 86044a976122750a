/**
 * What each pod may do: the sandbox's lifted limits (unconfined seccomp and AppArmor, an
 * unmasked /proc, which bubblewrap needs) on the worker alone and inside its own user namespace,
 * nothing privileged anywhere; and a network where only the API, the stream gateway and the MCP
 * server take outside connections and the worker reaches public hosts on the sandbox's egress
 * ports only.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { OVERLAYS, base, find, ofKind, selects, setting, worker } from "./fixtures.mjs";
import { podContainers, podSpec, renderKustomization } from "./render.mjs";

const workloads = [...ofKind(base, "Deployment"), ...ofKind(base, "Job")];
const LIFTED = ["Unconfined", "Unmasked"];
const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "169.254.0.0/16"];

/** The seccomp, AppArmor and procMount settings of a workload, pod and containers. */
function profiles(workload) {
  const spec = podSpec(workload);
  return [spec.securityContext, ...podContainers(workload).map((container) => container.securityContext)].flatMap((context) => [
    context?.seccompProfile?.type,
    context?.appArmorProfile?.type,
    context?.procMount,
  ]);
}

describe("security contexts", () => {
  it("run every process as a non-root user, without privilege, added capabilities or escalation", () => {
    for (const workload of workloads) {
      assert.equal(podSpec(workload).securityContext.runAsNonRoot, true, workload.metadata.name);
      assert.equal(podSpec(workload).automountServiceAccountToken, false, workload.metadata.name);
      for (const container of podContainers(workload)) {
        const context = container.securityContext;
        assert.equal(context.allowPrivilegeEscalation, false, container.name);
        assert.notEqual(context.privileged, true, container.name);
        assert.deepEqual(context.capabilities, { drop: ["ALL"] }, container.name);
        assert.equal(context.readOnlyRootFilesystem, true, container.name);
      }
    }
  });

  it("lift seccomp, AppArmor and the /proc mask for the worker alone, in a user namespace", () => {
    for (const workload of workloads.filter((candidate) => candidate !== worker)) {
      assert.deepEqual(
        profiles(workload).filter((value) => LIFTED.includes(value)),
        [],
        workload.metadata.name,
      );
    }
    const [context] = worker.spec.template.spec.containers.map((container) => container.securityContext);
    assert.deepEqual([context.seccompProfile.type, context.appArmorProfile.type, context.procMount], ["Unconfined", "Unconfined", "Unmasked"]);
    assert.equal(worker.spec.template.spec.hostUsers, false);
  });

  it("lift none of it under gVisor, which runs the worker on its own kernel", () => {
    const gvisor = renderKustomization(OVERLAYS.find((dir) => dir.endsWith(join("overlays", "gvisor"))));
    const gvisorWorker = find(gvisor, "Deployment", "mix-worker");
    assert.equal(gvisorWorker.spec.template.spec.runtimeClassName, "gvisor");
    assert.deepEqual(
      profiles(gvisorWorker).filter((value) => LIFTED.includes(value)),
      [],
    );
    assert.equal(gvisorWorker.spec.template.spec.hostUsers, undefined);
    assert.equal(find(gvisor, "ConfigMap", "mix-config").data.SANDBOX_DRIVER, "bubblewrap");
  });
});

describe("network policies", () => {
  const policies = ofKind(base, "NetworkPolicy");
  const pods = workloads.map((workload) => ({ name: workload.metadata.name, labels: workload.spec.template.metadata.labels }));
  const policiesOf = (pod) => policies.filter((policy) => policy.spec.podSelector && matches(policy.spec.podSelector, pod.labels));

  it("deny everything not opened, in both directions", () => {
    const deny = policies.find((policy) => Object.keys(policy.spec.podSelector).length === 0);
    assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
  });

  it("open connections from anywhere only to the API's, the stream gateway's and the MCP server's ports", () => {
    const open = pods.flatMap((pod) =>
      policiesOf(pod).flatMap((policy) =>
        (policy.spec.ingress ?? []).filter((rule) => !rule.from).flatMap((rule) => rule.ports.map((entry) => `${pod.name}:${entry.port}`)),
      ),
    );
    assert.deepEqual(open.sort(), [
      `mix-api:${setting("PORT")}`,
      `mix-mcp-server:${setting("MCP_PORT")}`,
      `mix-stream-gateway:${setting("STREAM_GATEWAY_PORT")}`,
    ]);
  });

  it("let the worker reach public addresses on SANDBOX_EGRESS_PORTS only, besides DNS, Postgres and Redis", () => {
    const egress = policiesOf(pods.find((pod) => pod.name === "mix-worker")).flatMap((policy) => policy.spec.egress ?? []);
    const toAnywhere = egress.filter((rule) => rule.to?.some((peer) => peer.ipBlock?.cidr === "0.0.0.0/0"));
    assert.equal(toAnywhere.length, 1);
    assert.deepEqual(toAnywhere[0].to[0].ipBlock.except, PRIVATE_RANGES);
    assert.deepEqual(
      toAnywhere[0].ports.map((entry) => entry.port),
      setting("SANDBOX_EGRESS_PORTS"),
    );
    const byPortOnly = egress.filter((rule) => !rule.to).flatMap((rule) => rule.ports.map((entry) => entry.port));
    assert.deepEqual(byPortOnly.sort(), [5432, 6379]);
  });

  it("let the migration reach Postgres alone", () => {
    const egress = policiesOf(pods.find((pod) => pod.name === "mix-migrate")).flatMap((policy) => policy.spec.egress ?? []);
    assert.deepEqual(egress.flatMap((rule) => rule.ports.map((entry) => entry.port)).sort(), [53, 53, 5432]);
  });

  it("let the stream gateway reach DNS, Postgres and Redis alone", () => {
    const egress = policiesOf(pods.find((pod) => pod.name === "mix-stream-gateway")).flatMap((policy) => policy.spec.egress ?? []);
    assert.deepEqual(egress.flatMap((rule) => rule.ports.map((entry) => entry.port)).sort(), [53, 53, 5432, 6379]);
  });

  it("keep the migration, the MCP server and the stream gateway off the internet", () => {
    for (const name of ["mix-migrate", "mix-mcp-server", "mix-stream-gateway"]) {
      const egress = policiesOf(pods.find((pod) => pod.name === name)).flatMap((policy) => policy.spec.egress ?? []);
      assert.deepEqual(
        egress.filter((rule) => rule.to?.some((peer) => peer.ipBlock)),
        [],
        name,
      );
    }
  });
});

/** A podSelector with matchLabels and In expressions, as these policies use. */
function matches(selector, labels) {
  const expressions = selector.matchExpressions ?? [];
  if (!selector.matchLabels && expressions.length === 0) return true;
  if (selector.matchLabels && !selects(selector.matchLabels, labels)) return false;
  return expressions.every((expression) => expression.operator === "In" && expression.values.includes(labels[expression.key]));
}
