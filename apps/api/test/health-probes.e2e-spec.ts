/**
 * The split probes: /health/live answers while the process runs, whatever its dependencies;
 * /health/ready answers like /health, 503 naming the dependency that is down. (The API does not
 * boot without Redis, so only a Postgres outage is seen by a running instance here.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@mix/core";
import request from "supertest";
import { parseAllDocuments } from "yaml";
import { createApiApp } from "../src/app";
import { startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

interface ProbedContainer {
  livenessProbe: { httpGet: { path: string } };
  readinessProbe: { httpGet: { path: string } };
  startupProbe: { httpGet: { path: string } };
}

/** The API container of the Kubernetes manifests, whose probes must name these routes. */
function kubernetesApiContainer(): ProbedContainer {
  const file = join(__dirname, "..", "..", "..", "deploy", "kubernetes", "base", "api.yaml");
  const objects = parseAllDocuments(readFileSync(file, "utf8")).map((document) => document.toJS() as { kind: string; spec: unknown });
  const deployment = objects.find((object) => object.kind === "Deployment") as { spec: { template: { spec: { containers: ProbedContainer[] } } } };
  return deployment.spec.template.spec.containers[0]!;
}

beforeAll(async () => {
  stack = await startTestStack({ label: "health-probes", workers: 0 });
});
afterAll(() => stack?.close());

it("answers both probes with 200 when Postgres and Redis are up, without an API key", async () => {
  const live = await request(stack.apis[0]!.url).get("/health/live").expect(200);
  expect(live.body).toEqual({ status: "ok", timestamp: expect.any(String), version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(Number.isNaN(Date.parse(live.body.timestamp))).toBe(false);
  const ready = await request(stack.apis[0]!.url).get("/health/ready").expect(200);
  expect(ready.body).toEqual({ status: "ok", timestamp: expect.any(String), version: live.body.version, checks: { postgres: "up", redis: "up" } });
});

it("stays live but not ready when Postgres is unreachable", async () => {
  const config = loadConfig({ ...stack.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", LOG_LEVEL: "silent" });
  const api = await createApiApp(config);
  try {
    const server = api.app.getHttpServer();
    await request(server).get("/health/live").expect(200);
    const ready = await request(server).get("/health/ready").expect(503);
    expect(ready.body).toMatchObject({ status: "unhealthy", checks: { postgres: "down", redis: "up" } });
  } finally {
    await api.close();
  }
});

it("is what the Kubernetes probes request: liveness and startup answer without Postgres, readiness not", async () => {
  const container = kubernetesApiContainer();
  for (const probe of [container.livenessProbe, container.startupProbe, container.readinessProbe]) {
    await request(stack.apis[0]!.url).get(probe.httpGet.path).expect(200);
  }
  const config = loadConfig({ ...stack.env, DATABASE_URL: "postgresql://nobody@127.0.0.1:1/none", LOG_LEVEL: "silent" });
  const api = await createApiApp(config);
  try {
    const server = api.app.getHttpServer();
    await request(server).get(container.livenessProbe.httpGet.path).expect(200);
    await request(server).get(container.startupProbe.httpGet.path).expect(200);
    await request(server).get(container.readinessProbe.httpGet.path).expect(503);
  } finally {
    await api.close();
  }
});

it("answers other methods and sub-paths as not found, not as a probe", async () => {
  await request(stack.apis[0]!.url).post("/health/live").expect(404);
  await request(stack.apis[0]!.url).get("/health/live/extra").expect(404);
});
