import { request } from "node:http";
import {
  httpRequests,
  modelCost,
  modelTokens,
  postgresErrors,
  redisErrors,
  runFirstToken,
  runsFinished,
  sandboxRuns,
  toolCalls,
  userRequestWait,
} from "./metrics";
import { registeredMetricNames } from "./catalog";
import { startMetricsServer } from "./metrics-server";
import { queueJobs, watchQueueDepth } from "./queue-depth";
import { countModelCall, countPostgresError, measureToolCall, measureUserRequestWait, recordHttpRequest, recordQueueWait } from "./record";
import { renderMetrics } from "./registry";
import { meterRun } from "./run-meter";

type Readable = { get(): Promise<{ values: readonly { labels: object; value: number; metricName?: string }[] }> };

async function valueOf(metric: Readable, labels: Record<string, string>): Promise<number> {
  const { values } = await metric.get();
  const plain = values.filter((entry) => !entry.metricName?.endsWith("_bucket") && !entry.metricName?.endsWith("_sum"));
  const found = plain.find((entry) => Object.entries(labels).every(([key, value]) => String((entry.labels as Record<string, unknown>)[key]) === value));
  return found?.value ?? 0;
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; type: string | undefined }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (response) => {
      let body = "";
      response.on("data", (chunk: Buffer) => (body += chunk.toString()));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body, type: response.headers["content-type"] }));
    })
      .on("error", reject)
      .end();
  });
}

describe("the metrics registry", () => {
  it("names every metric mix_..., process defaults included, each once", () => {
    const names = registeredMetricNames();
    expect(names.length).toBeGreaterThan(20);
    expect(names.every((name) => name.startsWith("mix_"))).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(["mix_process_cpu_seconds_total", "mix_nodejs_eventloop_lag_p99_seconds", "mix_http_requests_total", "mix_queue_jobs"]),
    );
  });

  it("renders Prometheus text with help and type lines", async () => {
    recordHttpRequest({ route: "/api/sessions/:id", method: "GET", status: 200 }, 0.02);
    const text = await renderMetrics();
    expect(text).toContain("# TYPE mix_http_requests_total counter");
    expect(text).toContain('mix_http_requests_total{route="/api/sessions/:id",method="GET",status="200"}');
    expect(text).toContain('mix_http_request_duration_seconds_bucket{le="0.025",route="/api/sessions/:id",method="GET",status="200"} 1');
  });
});

describe("the hooks", () => {
  it("counts a tool call by outcome, and a throw as interrupted", async () => {
    await measureToolCall("Read", async () => ({ isError: false }));
    await measureToolCall("Read", async () => ({ isError: true }));
    await expect(measureToolCall("Read", () => Promise.reject(new Error("aborted")))).rejects.toThrow("aborted");
    for (const outcome of ["ok", "error", "interrupted"]) expect(await valueOf(toolCalls, { tool: "Read", outcome })).toBe(1);
  });

  it("adds tokens and cost, and never throws on a negative or NaN cost", async () => {
    countModelCall({ provider: "p", model: "m" }, { promptTokens: 10, completionTokens: 3, cost: 0.5 });
    countModelCall({ provider: "p", model: "m" }, { promptTokens: 0, completionTokens: 0, cost: -1 });
    countModelCall({ provider: "p", model: "m" }, { promptTokens: 0, completionTokens: 0, cost: Number.NaN });
    expect(await valueOf(modelTokens, { provider: "p", model: "m", kind: "prompt" })).toBe(10);
    expect(await valueOf(modelTokens, { provider: "p", model: "m", kind: "completion" })).toBe(3);
    expect(await valueOf(modelCost, { provider: "p", model: "m" })).toBe(0.5);
  });

  it("counts the cached share of the prompt tokens apart", async () => {
    countModelCall({ provider: "c", model: "m" }, { promptTokens: 100, completionTokens: 5, cacheReadTokens: 80, cacheWriteTokens: 15, cost: 0.1 });
    expect(await valueOf(modelTokens, { provider: "c", model: "m", kind: "prompt" })).toBe(100);
    expect(await valueOf(modelTokens, { provider: "c", model: "m", kind: "cache_read" })).toBe(80);
    expect(await valueOf(modelTokens, { provider: "c", model: "m", kind: "cache_write" })).toBe(15);
  });

  it("times a wait on the user by its settled status, and a cancel", async () => {
    await measureUserRequestWait("permission", async () => ({ status: "granted" }));
    await expect(measureUserRequestWait("notification", () => Promise.reject(new Error("cancelled")))).rejects.toThrow();
    expect(await valueOf(userRequestWait, { kind: "permission", outcome: "granted" })).toBe(1);
    expect(await valueOf(userRequestWait, { kind: "notification", outcome: "cancelled" })).toBe(1);
  });

  it("labels a Postgres error by its code or class, bounded in length", async () => {
    countPostgresError(Object.assign(new Error("unreachable"), { code: "P1001" }));
    countPostgresError(new TypeError("x"));
    countPostgresError(Object.assign(new Error("long"), { code: "X".repeat(500) }));
    countPostgresError("not an error");
    expect(await valueOf(postgresErrors, { code: "P1001" })).toBe(1);
    expect(await valueOf(postgresErrors, { code: "TypeError" })).toBe(1);
    expect(await valueOf(postgresErrors, { code: "X".repeat(64) })).toBe(1);
    expect(await valueOf(postgresErrors, { code: "unknown" })).toBe(1);
  });

  it("never observes a negative queue wait (clock skew between machines)", async () => {
    recordQueueWait("q", { timestamp: Date.now() + 60_000, processedOn: Date.now() });
    expect(await renderMetrics()).toContain('mix_queue_wait_seconds_bucket{le="0.05",queue="q"} 1');
    // A job without its times is skipped, never a throw into the job.
    expect(() => recordQueueWait("q", { timestamp: undefined as unknown as number })).not.toThrow();
    expect(await renderMetrics()).toContain('mix_queue_wait_seconds_count{queue="q"} 1');
  });
});

describe("a run's meter", () => {
  it("reads the outcome off the run's complete and the first token off its first content, once each", async () => {
    const sent: string[] = [];
    const meter = meterRun(null);
    const emit = meter.watch(async (event) => sent.push(event));
    const before = await valueOf(runFirstToken, {});
    await emit("content", { type: "content", content: "a", assistantMessageId: "m" });
    await emit("content", { type: "content", content: "b", assistantMessageId: "m" });
    await emit("complete", { type: "complete", done: true, messageId: "m" });
    meter.failed();
    expect(sent).toEqual(["content", "content", "complete"]);
    expect((await runFirstToken.get()).values.find((entry) => entry.metricName === "mix_run_first_token_seconds_count")?.value).toBe(before + 1);
    expect(await valueOf(runsFinished, { outcome: "completed" })).toBe(1);
    expect(await valueOf(runsFinished, { outcome: "failed" })).toBe(0);
  });

  it("counts a failed run, and a cancelled one by its complete's type", async () => {
    meterRun(new Date(Date.now() - 5_000)).failed();
    await meterRun(null).watch(async () => undefined)("complete", { type: "cancelled", done: true, messageId: "m" });
    expect(await valueOf(runsFinished, { outcome: "failed" })).toBe(1);
    expect(await valueOf(runsFinished, { outcome: "cancelled" })).toBe(1);
  });
});

describe("queue depth", () => {
  it("is read on scrape; a queue whose read fails is left out and counted as a Redis error", async () => {
    const stopGood = watchQueueDepth("good", async () => ({ waiting: 3, active: 1 }));
    const stopBad = watchQueueDepth("bad", () => Promise.reject(new Error("Connection is closed")));
    const errorsBefore = await valueOf(redisErrors, {});
    const { values } = await queueJobs.get();
    expect(values).toEqual(expect.arrayContaining([expect.objectContaining({ labels: { queue: "good", state: "waiting" }, value: 3 })]));
    expect(values.some((entry) => entry.labels.queue === "bad")).toBe(false);
    expect(await valueOf(redisErrors, {})).toBe(errorsBefore + 1);
    stopGood();
    stopBad();
    expect((await queueJobs.get()).values).toEqual([]);
  });
});

describe("the metrics server", () => {
  it("answers GET /metrics, 404 elsewhere, and asks for the token when one is set", async () => {
    sandboxRuns.inc({ driver: "none", outcome: "exited" });
    const open = await startMetricsServer({ port: 0, host: "127.0.0.1" });
    const guarded = await startMetricsServer({ port: 0, host: "127.0.0.1", token: "a-long-metrics-token" });
    try {
      const scraped = await get(`http://127.0.0.1:${open.port}/metrics`);
      expect(scraped.status).toBe(200);
      expect(scraped.type).toContain("text/plain");
      expect(scraped.body).toContain('mix_sandbox_runs_total{driver="none",outcome="exited"} 1');
      expect((await get(`http://127.0.0.1:${open.port}/`)).status).toBe(404);
      expect((await get(`http://127.0.0.1:${open.port}/metrics/../secrets`)).status).toBe(404);
      expect((await get(`http://127.0.0.1:${guarded.port}/metrics`)).status).toBe(401);
      expect((await get(`http://127.0.0.1:${guarded.port}/metrics`, { Authorization: "Bearer wrong" })).status).toBe(401);
      expect((await get(`http://127.0.0.1:${guarded.port}/metrics`, { Authorization: "Bearer a-long-metrics-token-and-more" })).status).toBe(401);
      const allowed = await get(`http://127.0.0.1:${guarded.port}/metrics?x=1`, { Authorization: "Bearer a-long-metrics-token" });
      expect(allowed.status).toBe(200);
      expect(allowed.body).toContain("mix_sandbox_runs_total");
    } finally {
      await Promise.all([open.close(), guarded.close()]);
    }
  });
});

it("keeps httpRequests labelled by what it was given only", async () => {
  expect((await httpRequests.get()).values.every((entry) => Object.keys(entry.labels).sort().join() === "method,route,status")).toBe(true);
});
