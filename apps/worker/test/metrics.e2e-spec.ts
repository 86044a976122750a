/**
 * The worker process's metrics port: `apps/worker/dist/main.js` started with WORKER_METRICS_PORT
 * answers GET /metrics with its process metrics and the depth of every queue, read from Redis,
 * and asks for METRICS_TOKEN when it is set.
 */
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { waitFor } from "@mix/testing";
import { createWorkerFixture, type WorkerFixture, type WorkerProcess } from "./helpers/worker-fixture";

let fixture: WorkerFixture;
let worker: WorkerProcess | undefined;

beforeAll(async () => {
  fixture = await createWorkerFixture("worker-metrics", {});
});
afterEach(async () => {
  if (!worker) return;
  worker.child.kill("SIGTERM");
  await worker.exited;
  worker = undefined;
});
afterAll(() => fixture?.close());

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Rejects while the port is not listening yet (waitFor retries). */
async function scrape(port: number, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`, { headers });
  return { status: response.status, text: await response.text() };
}

it("serves its metrics on WORKER_METRICS_PORT, queue depth included", async () => {
  const port = await freePort();
  worker = fixture.startWorker({ WORKER_METRICS_PORT: String(port), METRICS_HOST: "127.0.0.1" });
  const answer = await waitFor(() => scrape(port), { timeoutMs: 20_000, what: "the worker's metrics port" });
  expect(answer.status).toBe(200);
  expect(answer.text).toContain("# TYPE mix_process_cpu_seconds_total counter");
  expect(answer.text).toMatch(/mix_queue_jobs\{queue="agent-runs",state="waiting"\} 0/);
  expect(answer.text).toMatch(/mix_queue_jobs\{queue="maintenance",state="(delayed|waiting|prioritized)"\} \d+/);
  expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
});

it("asks for METRICS_TOKEN when it is set", async () => {
  const port = await freePort();
  const token = "worker-metrics-token-0123456789";
  worker = fixture.startWorker({ WORKER_METRICS_PORT: String(port), METRICS_HOST: "127.0.0.1", METRICS_TOKEN: token });
  const refused = await waitFor(() => scrape(port), { timeoutMs: 20_000, what: "the worker's metrics port" });
  expect(refused.status).toBe(401);
  const allowed = await scrape(port, { Authorization: `Bearer ${token}` });
  expect(allowed.status).toBe(200);
  expect(allowed.text).toContain("mix_queue_jobs");
});
