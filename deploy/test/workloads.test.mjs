/**
 * The workloads' invariants: what selects what, what scales what and on which number, how long a
 * stopping worker may drain, what each container asks for, and who may do what on the network.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { OVERLAYS, QueueName, base, configMap, find, ofKind, registeredMetricNames, selects, setting, worker } from "./fixtures.mjs";
import { ROOT, podContainers, podSpec, renderKustomization } from "./render.mjs";

const deployments = ofKind(base, "Deployment");
const workloads = [...deployments, ...ofKind(base, "Job")];
const labelsOf = (deployment) => deployment.spec.template.metadata.labels;
const selected = (matchLabels) => deployments.filter((deployment) => selects(matchLabels, labelsOf(deployment)));
const scaledObject = find(base, "ScaledObject", "mix-worker");
const autoscalers = [...ofKind(base, "HorizontalPodAutoscaler"), ...ofKind(base, "ScaledObject")];

describe("labels and selectors", () => {
  it("select each Deployment's own pods, and no other Deployment's", () => {
    for (const deployment of deployments) {
      assert.ok(selects(deployment.spec.selector.matchLabels, labelsOf(deployment)), deployment.metadata.name);
      assert.deepEqual(selected(deployment.spec.selector.matchLabels), [deployment], deployment.metadata.name);
    }
  });

  it("give each Service and PodDisruptionBudget exactly one Deployment, at ports it declares", () => {
    for (const service of ofKind(base, "Service")) {
      const [target, ...others] = selected(service.spec.selector);
      assert.ok(target && others.length === 0, `Service ${service.metadata.name} selects ${others.length + (target ? 1 : 0)} Deployments`);
      const ports = target.spec.template.spec.containers.flatMap((container) => container.ports ?? []);
      for (const port of service.spec.ports)
        assert.ok(
          ports.some((declared) => declared.name === port.targetPort),
          `${service.metadata.name} -> ${port.targetPort}`,
        );
    }
    for (const budget of ofKind(base, "PodDisruptionBudget")) assert.equal(selected(budget.spec.selector.matchLabels).length, 1, budget.metadata.name);
  });

  it("scale every long-running Deployment once, by one autoscaler that owns the replica count", () => {
    const targets = autoscalers.map((autoscaler) => autoscaler.spec.scaleTargetRef.name).sort();
    assert.deepEqual(targets, deployments.map((deployment) => deployment.metadata.name).sort());
    for (const deployment of deployments)
      assert.equal(deployment.spec.replicas, undefined, `${deployment.metadata.name} sets replicas, which each apply would reset`);
    for (const autoscaler of autoscalers) assert.equal(autoscaler.spec.scaleTargetRef.kind ?? "Deployment", "Deployment");
  });

  it("leave a voluntary eviction possible: a minAvailable budget is below its Deployment's fewest replicas", () => {
    for (const budget of ofKind(base, "PodDisruptionBudget")) {
      const [target] = selected(budget.spec.selector.matchLabels);
      const autoscaler = autoscalers.find((candidate) => candidate.spec.scaleTargetRef.name === target.metadata.name);
      const fewest = autoscaler.spec.minReplicas ?? autoscaler.spec.minReplicaCount;
      if (budget.spec.minAvailable !== undefined) assert.ok(budget.spec.minAvailable < fewest, budget.metadata.name);
      else assert.ok(budget.spec.maxUnavailable >= 1, budget.metadata.name);
    }
  });
});

describe("the processes", () => {
  const compose = parse(readFileSync(join(ROOT, "docker-compose.yml"), "utf8"), { merge: true });
  const commands = {
    "mix-api": "api",
    "mix-worker": "worker",
    "mix-mcp-server": "mcp-server",
    "mix-stream-gateway": "stream-gateway",
    "mix-migrate": "migrate",
  };

  it("run the commands docker-compose.yml runs, from one image", () => {
    for (const workload of workloads) {
      assert.deepEqual(workload.spec.template.spec.containers[0].command, compose.services[commands[workload.metadata.name]].command, workload.metadata.name);
    }
    assert.deepEqual([...new Set(workloads.flatMap(podContainers).map((container) => container.image))], ["mix-agent-backend"]);
    for (const overlay of OVERLAYS) {
      const images = new Set(
        renderKustomization(overlay)
          .flatMap(podContainers)
          .map((container) => container.image),
      );
      assert.equal(images.size, 1, `${overlay} runs ${[...images].join(", ")}`);
    }
  });

  it("set requests and a memory limit on every container", () => {
    for (const container of workloads.flatMap(podContainers)) {
      const { requests, limits } = container.resources ?? {};
      assert.ok(requests?.cpu && requests?.memory && limits?.memory, container.name);
    }
  });

  it("give the worker more than SHUTDOWN_GRACE_MS to drain before it is killed", () => {
    const drainSeconds = setting("SHUTDOWN_GRACE_MS") / 1000;
    assert.ok(
      worker.spec.template.spec.terminationGracePeriodSeconds >= drainSeconds + 10,
      `${worker.spec.template.spec.terminationGracePeriodSeconds} s for a ${drainSeconds} s drain`,
    );
  });

  it("probe the API's split health routes on its PORT: liveness without dependencies, readiness with them", () => {
    const [api] = find(base, "Deployment", "mix-api").spec.template.spec.containers;
    const port = api.ports.find((declared) => declared.name === api.readinessProbe.httpGet.port);
    assert.equal(port.containerPort, setting("PORT"));
    assert.equal(api.livenessProbe.httpGet.path, "/health/live");
    assert.equal(api.startupProbe.httpGet.path, "/health/live");
    assert.equal(api.readinessProbe.httpGet.path, "/health/ready");
    const [mcp] = find(base, "Deployment", "mix-mcp-server").spec.template.spec.containers;
    assert.equal(mcp.ports.find((declared) => declared.name === mcp.readinessProbe.tcpSocket.port).containerPort, setting("MCP_PORT"));
  });

  it("probe the stream gateway's split health routes on its STREAM_GATEWAY_PORT, where Prometheus scrapes it too", () => {
    const gateway = find(base, "Deployment", "mix-stream-gateway");
    const [container] = gateway.spec.template.spec.containers;
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) {
      const port = container.ports.find((declared) => declared.name === probe.httpGet.port);
      assert.equal(port?.containerPort, setting("STREAM_GATEWAY_PORT"), probe.httpGet.path);
    }
    assert.equal(container.livenessProbe.httpGet.path, "/health/live");
    assert.equal(container.startupProbe.httpGet.path, "/health/live");
    assert.equal(container.readinessProbe.httpGet.path, "/health/ready");
    // /metrics is served on the stream port, not on a port of its own.
    assert.equal(Number(gateway.spec.template.metadata.annotations["prometheus.io/port"]), setting("STREAM_GATEWAY_PORT"));
  });
});

describe("the worker's autoscaling", () => {
  const [trigger] = scaledObject.spec.triggers;

  it("reads the run queue's ready and active jobs from a metric the product exports", () => {
    assert.equal(trigger.type, "prometheus");
    const [, metric, labels] = /\(([a-z_]+)\{([^}]*)\}\)/.exec(trigger.metadata.query);
    assert.ok(registeredMetricNames().includes(metric), `${metric} is not a registered metric`);
    assert.match(labels, new RegExp(`queue="${QueueName.AgentRuns}"`));
    assert.match(labels, /state=~"waiting\|prioritized\|active"/);
    // Every worker reports the queue-wide count: the query must not add them up across pods.
    assert.match(trigger.metadata.query, /^sum\(max by \(state\) \(/);
  });

  it("aims at WORKER_CONCURRENCY runs per worker, and keeps one worker for maintenance", () => {
    assert.equal(Number(trigger.metadata.threshold), setting("WORKER_CONCURRENCY"));
    assert.ok(scaledObject.spec.minReplicaCount >= 1);
    assert.ok(scaledObject.spec.fallback.replicas >= 1);
  });

  it("can be scraped: the worker serves metrics on the port its pod and its policy declare", () => {
    const [container] = worker.spec.template.spec.containers;
    const port = Number(container.env.find((variable) => variable.name === "WORKER_METRICS_PORT").value);
    assert.equal(container.ports.find((declared) => declared.name === "metrics").containerPort, port);
    assert.equal(Number(worker.spec.template.metadata.annotations["prometheus.io/port"]), port);
    const policy = find(base, "NetworkPolicy", "mix-worker");
    assert.deepEqual(
      policy.spec.ingress.flatMap((rule) => rule.ports.map((entry) => entry.port)),
      [port],
    );
  });
});
