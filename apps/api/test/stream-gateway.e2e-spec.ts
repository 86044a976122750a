/**
 * The stream gateway (src/stream-gateway): `GET /stream` served by a process of its own, beside
 * the API, over the same Postgres and Redis. Its streams carry what the API's carry, under the
 * same ids, and it answers bad requests exactly as the API does.
 */
import request from "supertest";
import { createLogger, createStreamInfrastructure, type StreamInfrastructure } from "@mix/core/streaming";
import { SseClient, waitFor } from "@mix/testing";
import { startStreamGateway, type StreamGateway } from "../src/stream-gateway/gateway-server";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const APP = "https://app.example.com";
let stack: TestStack;
let infra: StreamInfrastructure;
let gateway: StreamGateway;
let api: string;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "gateway", env: { CORS_ORIGINS: APP, SSE_HEARTBEAT_MS: "200" } });
  api = stack.apis[0]!.url;
  infra = createStreamInfrastructure(stack.config, createLogger("test-gateway", "silent"));
  gateway = await startStreamGateway(infra, { port: 0, host: "127.0.0.1" });
  url = `http://127.0.0.1:${gateway.port}`;
});
afterAll(async () => {
  await gateway?.close();
  await infra?.close();
  await stack?.close();
});

const expectError = (body: unknown, code: number, message: RegExp) => expect(body).toMatchObject({ error: { code, message: expect.stringMatching(message) } });

it("streams a run posted to the API under the API's own event ids, and replays after Last-Event-ID", async () => {
  const sessionId = await createSession(api, stack.key);
  const onGateway = await openStream(url, stack.key, sessionId);
  const onApi = await openStream(api, stack.key, sessionId);
  try {
    expect(onGateway.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    await sendMessage(api, stack.key, sessionId, "through the gateway");
    await onGateway.waitForEvent(isComplete);
    await onApi.waitForEvent(isComplete);
    expect(onGateway.logEvents.length).toBeGreaterThan(3);
    expect(onGateway.logEvents.map((event) => [event.id, event.event])).toEqual(onApi.logEvents.map((event) => [event.id, event.event]));
    const middle = onGateway.logEvents[1]!;
    const replay = await openStream(url, stack.key, sessionId, middle.id);
    try {
      await replay.waitForEvent(isComplete);
      expect(replay.logEvents.map((event) => event.id)).toEqual(onGateway.logEvents.slice(2).map((event) => event.id));
    } finally {
      replay.close();
    }
    // Heartbeats come on the gateway's own clock.
    await onGateway.waitForEvent((event) => event.event === "heartbeat");
  } finally {
    onGateway.close();
    onApi.close();
  }
});

describe("bad requests get the API's answers", () => {
  it("401 without a key, with a malformed header, with an unknown key", async () => {
    expectError((await request(url).get("/stream?sessionId=x").expect(401)).body, 401, /Missing Authorization/);
    expectError((await request(url).get("/stream?sessionId=x").set("Authorization", "Basic abc").expect(401)).body, 401, /Malformed/);
    expectError((await request(url).get("/stream?sessionId=x").set(bearer("mix_not_a_key_at_all_123")).expect(401)).body, 401, /Invalid API key/);
  });

  it("400 for a missing or repeated sessionId, a bad Last-Event-ID, a NUL byte", async () => {
    expectError((await request(url).get("/stream").set(bearer(stack.key)).expect(400)).body, 400, /sessionId/);
    await request(url).get("/stream?sessionId=a&sessionId=b").set(bearer(stack.key)).expect(400);
    const sessionId = await createSession(api, stack.key);
    const bad = await request(url).get(`/stream?sessionId=${sessionId}`).set(bearer(stack.key)).set("Last-Event-ID", "-1").expect(400);
    expectError(bad.body, 400, /Last-Event-ID/);
    await request(url).get(`/stream?sessionId=${sessionId}&lastEventId=1e3`).set(bearer(stack.key)).expect(400);
    expectError((await request(url).get("/stream?sessionId=a%00b").set(bearer(stack.key)).expect(400)).body, 400, /sessionId/);
  });

  it("404 for an unknown session and for another workspace's, alike", async () => {
    const theirs = await createSession(api, stack.otherKey);
    const unknown = await request(url).get("/stream?sessionId=00000000-0000-0000-0000-000000000000").set(bearer(stack.key)).expect(404);
    const foreign = await request(url).get(`/stream?sessionId=${theirs}`).set(bearer(stack.key)).expect(404);
    expect(foreign.body).toEqual(unknown.body);
  });

  it("404 in the error shape for any other route or method", async () => {
    expectError((await request(url).get("/api/sessions").set(bearer(stack.key)).expect(404)).body, 404, /Route not found/);
    await request(url).post("/stream?sessionId=x").set(bearer(stack.key)).expect(404);
  });
});

it("opens with a browser's stream token, for its own session only", async () => {
  const sessionId = await createSession(api, stack.key);
  const other = await createSession(api, stack.key);
  const { token } = (await request(api).post(`/api/sessions/${sessionId}/stream-token`).set(bearer(stack.key)).expect(201)).body;
  const client = await SseClient.connect(`${url}/stream?sessionId=${sessionId}&token=${encodeURIComponent(token)}`);
  try {
    await client.waitForEvent((event) => event.event === "connected");
    expect(client.status).toBe(200);
  } finally {
    client.close();
  }
  await request(url)
    .get(`/stream?sessionId=${other}&token=${encodeURIComponent(token)}`)
    .expect(403);
});

it("answers an allowed origin's preflight and sets the API's security headers", async () => {
  const preflight = await request(url)
    .options("/stream")
    .set("Origin", APP)
    .set("Access-Control-Request-Method", "GET")
    .set("Access-Control-Request-Headers", "authorization,last-event-id");
  expect(preflight.status).toBe(204);
  expect(preflight.headers["access-control-allow-origin"]).toBe(APP);
  const refused = await request(url).options("/stream").set("Origin", "https://evil.example").set("Access-Control-Request-Method", "GET");
  expect(refused.headers["access-control-allow-origin"]).toBeUndefined();
  const answer = await request(url).get("/stream").set(bearer(stack.key)).expect(400);
  expect(answer.headers["x-frame-options"]).toBe("DENY");
  expect(answer.headers["x-content-type-options"]).toBe("nosniff");
});

it("cuts an open stream when its key is revoked", async () => {
  const { apiKey, workspaceId } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("gateway-revoke");
  const { id: apiKeyId } = await stack.apis[0]!.api.infrastructure.prisma.apiKey.findFirstOrThrow({ where: { workspaceId } });
  const sessionId = await createSession(api, apiKey);
  const client = await openStream(url, apiKey, sessionId);
  await stack.apis[0]!.api.services.apiKeys.revokeKey(apiKeyId);
  await waitFor(() => client.ended, { timeoutMs: 5_000, what: "the revoked stream to end" });
  await request(url).get(`/stream?sessionId=${sessionId}`).set(bearer(apiKey)).expect(401);
});

it("serves its health probes and its metrics", async () => {
  await request(url).get("/health/live").expect(200, { status: "ok" });
  await request(url).get("/health/ready").expect(200, { status: "ok" });
  const sessionId = await createSession(api, stack.key);
  const client = await openStream(url, stack.key, sessionId);
  try {
    const metrics = await request(url).get("/metrics").expect(200);
    expect(metrics.text).toMatch(/^mix_sse_connections_open [1-9]/m);
  } finally {
    client.close();
  }
});

it("counts its requests in mix_http_requests_total by route, method and status, never by raw URL", async () => {
  const count = async (labels: string) => {
    const text = (await request(url).get("/metrics").expect(200)).text;
    const line = text.split("\n").find((row) => row.startsWith(`mix_http_requests_total{${labels}}`));
    return line ? Number(line.split(" ").pop()) : 0;
  };
  const live = 'route="/health/live",method="GET",status="200"';
  const refused = 'route="/stream",method="GET",status="401"';
  const unmatched = 'route="unmatched",method="POST",status="404"';
  const before = { live: await count(live), refused: await count(refused), unmatched: await count(unmatched) };
  await request(url).get("/health/live").expect(200);
  await request(url).get("/health/live").expect(200);
  await request(url).get("/stream?sessionId=a-session-id-that-is-no-label").expect(401);
  await request(url).post("/stream/anything-else").expect(404);
  await waitFor(async () => (await count(unmatched)) === before.unmatched + 1, { timeoutMs: 5_000, what: "the gateway's requests to be counted" });
  expect(await count(live)).toBe(before.live + 2);
  expect(await count(refused)).toBe(before.refused + 1);
  expect((await request(url).get("/metrics")).text).not.toContain("a-session-id-that-is-no-label");
});
