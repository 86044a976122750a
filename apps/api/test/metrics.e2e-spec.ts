/**
 * GET /metrics on a real stack (API and run worker in one process, so one registry holds both):
 * a run with a tool call on the scripted model moves the HTTP, SSE, run, first-token, model,
 * token and tool series with the right labels; the endpoint needs no API key, asks for
 * METRICS_TOKEN when set, and stays out of the OpenAPI document.
 */
import type { AddressInfo } from "node:net";
import request from "supertest";
import { loadConfig } from "@mix/core";
import { createApiApp } from "../src/app";
import { allowAllTools } from "./helpers/agent-stack";
import { createSession, isComplete, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: "metrics" });
  await allowAllTools(stack.apis[0]!.url, stack.key);
});
afterAll(() => stack?.close());

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of Prometheus text format (comments skipped). */
function parseSamples(text: string): Sample[] {
  return text.split("\n").flatMap((line) => {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) return [];
    const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/([a-zA-Z_]+)="((?:[^"\\]|\\.)*)"/g)].map(([, key, value]) => [key!, value!]));
    return [{ name: match[1]!, labels, value: Number(match[3]) }];
  });
}

/** The sum of `name`'s samples whose labels include `labels`. */
function total(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

async function scrape(url: string): Promise<Sample[]> {
  const response = await request(url).get("/metrics").expect(200);
  expect(response.headers["content-type"]).toContain("text/plain");
  return parseSamples(response.text);
}

it("counts a run with a tool call: HTTP by route, SSE, run outcome, first token, model calls, tokens and the tool", async () => {
  const url = stack.apis[0]!.url;
  const before = await scrape(url);
  const sessionId = await createSession(url, stack.key);
  const stream = await openStream(url, stack.key, sessionId);
  try {
    await request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).send({ text: "look around\n@tool list_directory {}" }).expect(202);
    await stream.waitForEvent(isComplete, 15_000, "the run to complete");
    const execution = stream.logEvents.find((event) => event.event === "tool_execution_complete");
    expect(execution?.data).toMatchObject({ toolName: "list_directory", success: true });

    const during = await scrape(url);
    // The stream is still open: one more than before.
    expect(total(during, "mix_sse_connections_open")).toBe(total(before, "mix_sse_connections_open") + 1);
    const sent = (event: string, samples: Sample[]) => total(samples, "mix_sse_events_sent_total", { event });
    expect(sent("complete", during)).toBe(sent("complete", before) + 1);
    expect(sent("content", during)).toBeGreaterThan(sent("content", before));
    expect(sent("tool_execution_complete", during)).toBe(sent("tool_execution_complete", before) + 1);
  } finally {
    stream.close();
  }

  const after = await scrape(url);
  const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);

  // The route pattern, never the session id.
  expect(moved("mix_http_requests_total", { route: "/api/sessions/:id/messages", method: "POST", status: "202" })).toBe(1);
  expect(moved("mix_http_request_duration_seconds_count", { route: "/api/sessions/:id/messages", method: "POST", status: "202" })).toBe(1);
  expect(after.some((sample) => sample.name === "mix_http_requests_total" && sample.labels.route?.includes(sessionId))).toBe(false);

  expect(moved("mix_runs_finished_total", { outcome: "completed" })).toBe(1);
  expect(moved("mix_run_duration_seconds_count", { outcome: "completed" })).toBe(1);
  expect(moved("mix_run_first_token_seconds_count")).toBe(1);
  expect(moved("mix_queue_wait_seconds_count", { queue: "agent-runs" })).toBeGreaterThanOrEqual(1);

  // Two model calls: the one that asked for the tool, the one that answered after it.
  const modelCalls = after.filter((sample) => sample.name === "mix_model_calls_total");
  expect(modelCalls.length).toBeGreaterThan(0);
  const { provider, model } = modelCalls[0]!.labels;
  expect(provider).toBeTruthy();
  expect(model).toBeTruthy();
  expect(moved("mix_model_calls_total", { provider: provider!, model: model! })).toBe(2);
  expect(moved("mix_model_tokens_total", { provider: provider!, model: model!, kind: "prompt" })).toBeGreaterThan(0);
  expect(moved("mix_model_tokens_total", { provider: provider!, model: model!, kind: "completion" })).toBeGreaterThan(0);

  expect(moved("mix_tool_calls_total", { tool: "list_directory", outcome: "ok" })).toBe(1);
  expect(moved("mix_tool_call_duration_seconds_count", { tool: "list_directory", outcome: "ok" })).toBe(1);
  // The stream closed: back to where it was.
  expect(total(after, "mix_sse_connections_open")).toBe(total(before, "mix_sse_connections_open"));
  // Process defaults come along, prefixed.
  expect(total(after, "mix_process_cpu_seconds_total")).toBeGreaterThan(0);
});

it("labels a request no route matched as unmatched, whatever its path", async () => {
  const url = stack.apis[0]!.url;
  await request(url).get("/no/such/path/12345").expect(404);
  const after = await scrape(url);
  expect(total(after, "mix_http_requests_total", { route: "unmatched", status: "404" })).toBeGreaterThanOrEqual(1);
  expect(after.some((sample) => sample.labels.route?.includes("12345"))).toBe(false);
});

it("needs no API key, but METRICS_TOKEN when it is set; never in the OpenAPI document", async () => {
  const document = (await request(stack.apis[0]!.url).get("/api/docs/openapi.json").expect(200)).body as { paths: Record<string, unknown> };
  expect(Object.keys(document.paths)).not.toContain("/metrics");

  const token = "metrics-token-for-tests-0123456789";
  const guarded = await createApiApp(loadConfig({ ...stack.env, METRICS_TOKEN: token }));
  try {
    await guarded.app.listen(0, "127.0.0.1");
    const url = `http://127.0.0.1:${(guarded.app.getHttpServer().address() as AddressInfo).port}`;
    const refused = await request(url).get("/metrics").expect(401);
    expect(refused.body.error).toMatchObject({ type: "unauthorized" });
    await request(url).get("/metrics").set(bearer(stack.key)).expect(401);
    await request(url)
      .get("/metrics")
      .set(bearer(`${token}x`))
      .expect(401);
    const allowed = await request(url).get("/metrics").set(bearer(token)).expect(200);
    expect(allowed.text).toContain("# TYPE mix_http_requests_total counter");
  } finally {
    await guarded.close();
  }
});
