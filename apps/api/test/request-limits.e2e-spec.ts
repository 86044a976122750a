/**
 * The request limits of every state-changing route (KEY_RATE_LIMIT_PER_MINUTE,
 * WORKSPACE_RATE_LIMIT_PER_MINUTE, or the workspace's plan): token buckets in Redis shared by
 * every API instance, per key and per workspace. Answers carry the RateLimit fields; one over a
 * limit answers 429 with Retry-After in the contract's error shape and runs nothing; reads are
 * not counted; while Redis is down requests pass.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { generateApiKey, hashApiKey, loadConfig } from "@mix/core";
import { createApiApp } from "../src/app";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const KEY_LIMIT = 5;
const WORKSPACE_LIMIT = 8;
// A plan tighter than the deployment's settings, and one looser.
const PLANS = {
  tiny: { title: "Tiny", models: "*", keyRequestsPerMinute: 2, workspaceRequestsPerMinute: 3 },
  roomy: { title: "Roomy", models: "*", keyRequestsPerMinute: 50, workspaceRequestsPerMinute: 50 },
};

let stack: TestStack;
let a: string;
let b: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mix-request-limits-"));
  await writeFile(path.join(dir, "plans.json"), JSON.stringify(PLANS));
  stack = await startTestStack({
    label: "request-limits",
    apiInstances: 2,
    workers: 0,
    env: {
      STORAGE_DIR: dir,
      PLANS_FILE: path.join(dir, "plans.json"),
      KEY_RATE_LIMIT_PER_MINUTE: String(KEY_LIMIT),
      WORKSPACE_RATE_LIMIT_PER_MINUTE: String(WORKSPACE_LIMIT),
    },
  });
  [a, b] = stack.apis.map((api) => api.url) as [string, string];
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

const services = () => stack.apis[0]!.api.services;
const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

/** A new workspace (buckets of its own, so tests share nothing), on `plan` if given, and its key. */
async function newWorkspace(name: string, plan?: string): Promise<{ workspaceId: string; key: string }> {
  const { workspaceId, apiKey } = await services().apiKeys.createWorkspace(name);
  if (plan) await prisma().workspace.update({ where: { id: workspaceId }, data: { plan } });
  return { workspaceId, key: apiKey };
}

/** Another key of the same workspace. */
async function secondKey(workspaceId: string): Promise<string> {
  const key = generateApiKey();
  await prisma().apiKey.create({ data: { workspaceId, name: "second", keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) } });
  return key;
}

const createSession = (url: string, key: string, title = "limited") => request(url).post("/api/sessions").set(bearer(key)).send({ title });

const refusedBody = (limit: number, per: string, retryAfter: number) => ({
  error: { code: 429, type: "bad_request", reason: "rate_limited", message: `Rate limit exceeded: at most ${limit} ${per}; retry after ${retryAfter} s` },
});

it("answers every state-changing request with the RateLimit fields of the bucket closest to running out", async () => {
  const { key } = await newWorkspace("headers");
  const first = await createSession(a, key).expect(201);
  expect(first.headers).toMatchObject({
    "ratelimit-limit": String(KEY_LIMIT),
    "ratelimit-remaining": String(KEY_LIMIT - 1),
    // One token of 5 a minute is back in 12 s: the bucket is full again then.
    "ratelimit-reset": "12",
    "ratelimit-policy": `${KEY_LIMIT};w=60;burst=${KEY_LIMIT};comment="key", ${WORKSPACE_LIMIT};w=60;burst=${WORKSPACE_LIMIT};comment="workspace"`,
  });
  expect(first.headers["retry-after"]).toBeUndefined();
  const sessionId = first.body.id as string;
  const patched = await request(b).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(key)).send({ callbacks: [] }).expect(200);
  expect(patched.headers["ratelimit-remaining"]).toBe(String(KEY_LIMIT - 2));
  // Reads are not counted and carry no fields.
  const read = await request(a).get(`/api/sessions/${sessionId}`).set(bearer(key)).expect(200);
  expect(read.headers["ratelimit-limit"]).toBeUndefined();
});

it("refuses one request over the key's limit with 429 and Retry-After on every instance, and runs nothing", async () => {
  const { workspaceId, key } = await newWorkspace("per-key");
  // Alternating instances: one bucket in Redis counts them all.
  for (let i = 0; i < KEY_LIMIT; i++) await createSession(i % 2 ? b : a, key).expect(201);
  for (const url of [a, b]) {
    const refused = await createSession(url, key, "one too many");
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(12);
    expect(refused.headers).toMatchObject({ "ratelimit-limit": String(KEY_LIMIT), "ratelimit-remaining": "0" });
    expect(refused.body).toEqual(refusedBody(KEY_LIMIT, "requests per minute per API key", retryAfter));
  }
  expect(await prisma().session.count({ where: { workspaceId } })).toBe(KEY_LIMIT);
  // Reads still answer, and another workspace (its own buckets) is not held back.
  await request(a).get("/api/sessions").set(bearer(key)).expect(200);
  await createSession(b, stack.otherKey).expect(201);
});

it("counts every key of a workspace together against the workspace's limit", async () => {
  const { key: first } = await newWorkspace("per-workspace");
  const { workspaceId } = (await services().apiKeys.authenticate(first))!;
  const second = await secondKey(workspaceId);
  // 8 for the workspace, 5 per key: 4 each fits, then the workspace is spent though each key has one left.
  for (let i = 0; i < 4; i++) {
    await createSession(a, first).expect(201);
    await createSession(b, second).expect(201);
  }
  for (const key of [first, second]) {
    const refused = await createSession(a, key);
    expect(refused.status).toBe(429);
    expect(refused.headers["ratelimit-limit"]).toBe(String(WORKSPACE_LIMIT));
    expect(refused.body).toEqual(refusedBody(WORKSPACE_LIMIT, "requests per minute for this workspace", Number(refused.headers["retry-after"])));
  }
});

it("sizes the buckets by the workspace's plan: tighter or looser than the deployment's settings", async () => {
  const { key: tiny } = await newWorkspace("tiny plan", "tiny");
  for (let i = 0; i < 2; i++) await createSession(a, tiny).expect(201);
  const refused = await createSession(b, tiny);
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual(refusedBody(2, "requests per minute per API key", Number(refused.headers["retry-after"])));

  const { key: roomy } = await newWorkspace("roomy plan", "roomy");
  for (let i = 0; i < KEY_LIMIT + 2; i++) await createSession(i % 2 ? b : a, roomy).expect(201);
  const last = await createSession(a, roomy).expect(201);
  expect(last.headers["ratelimit-limit"]).toBe("50");
});

it("counts a route's own budget with the others, and reports whichever is closest to running out", async () => {
  const { key } = await newWorkspace("budget");
  const sessionId = (await createSession(a, key).expect(201)).body.id as string;
  const sent = await request(b).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hello" }).expect(202);
  // Two of the key's 5 are spent; of the 60 messages a minute, one.
  expect(sent.headers["ratelimit-limit"]).toBe(String(KEY_LIMIT));
  expect(sent.headers["ratelimit-remaining"]).toBe(String(KEY_LIMIT - 2));
  expect(sent.headers["ratelimit-policy"]).toContain('60;w=60;burst=60;comment="messages"');
  expect(sent.headers["x-ratelimit-remaining"]).toBe("59");
});

it("lets requests pass, uncounted, while its Redis is down", async () => {
  const broken = await createApiApp(loadConfig({ ...stack.env, LOG_LEVEL: "silent" }));
  try {
    broken.infrastructure.redis.disconnect();
    const { key } = await newWorkspace("redis down", "tiny");
    const server = broken.app.getHttpServer();
    for (let i = 0; i < 4; i++) {
      const answer = await request(server).post("/api/preferences").set(bearer(key)).send({ preferred_provider: "openai" });
      expect(answer.status).toBe(200);
      expect(answer.headers["ratelimit-limit"]).toBeUndefined();
    }
  } finally {
    await broken.infrastructure.redis.connect();
    await broken.close();
  }
});
