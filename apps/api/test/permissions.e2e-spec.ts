/**
 * Permissions across two API instances: a gate (as a worker runs it) asks, the request shows on
 * instance A's stream, and the answer posted to instance B resumes it. Also the answer rules
 * (404, 409, body validation) and the workspace policy endpoints.
 */
import { DEFAULT_ASKING_TOOLS } from "@mix/testing";
import request from "supertest";
import { createLogger, createRedis, EventLog, PermissionGate, PostgresEventIds, RedisKeys, type PermissionAsk, type PermissionOutcome } from "@mix/core";
import type { SseClient, SseEvent } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

type RedisConnection = ReturnType<typeof createRedis>;

let stack: TestStack;
let a: string;
let b: string;
let workspaceId: string;
const connections: RedisConnection[] = [];
const streams: SseClient[] = [];
/** A gate with a timeout far beyond any test, for the tests that answer. */
let gate: PermissionGate;

/** A gate as a worker builds it: its own Redis connections under the stack's prefix. */
async function startGate(timeoutMs: number): Promise<PermissionGate> {
  const { config } = stack;
  const redis = createRedis(config.REDIS_URL);
  const subscriber = createRedis(config.REDIS_URL);
  connections.push(redis, subscriber);
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const { prisma } = stack.apis[0]!.api.infrastructure;
  const events = new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: new PostgresEventIds(prisma) });
  const started = new PermissionGate({ redis, subscriber, keys, events, prisma, timeoutMs, logger: createLogger("test-gate", "silent") });
  await started.start();
  return started;
}

beforeAll(async () => {
  stack = await startTestStack({ label: "permissions", apiInstances: 2, workers: 0 });
  [a, b] = stack.apis.map((api) => api.url) as [string, string];
  workspaceId = (await stack.apis[0]!.api.services.apiKeys.authenticate(stack.key))!.workspaceId;
  gate = await startGate(60_000);
});
afterEach(() => {
  for (const stream of streams.splice(0)) stream.close();
});
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await stack?.close();
});

/** A session of the workspace, with its stream open on instance A. */
async function sessionWithStream(): Promise<{ sessionId: string; stream: SseClient }> {
  const sessionId = await createSession(a, stack.key);
  const stream = await openStream(a, stack.key, sessionId);
  streams.push(stream);
  return { sessionId, stream };
}

function bashAsk(sessionId: string, overrides: Partial<PermissionAsk> = {}): PermissionAsk {
  return {
    workspaceId,
    sessionId,
    streamSessionId: sessionId,
    runId: `run-${sessionId}`,
    toolCallId: `call-${Math.random().toString(36).slice(2)}`,
    toolName: "Bash",
    input: { command: "ls -la" },
    defaultRequired: true,
    ...overrides,
  };
}

/** Asks in the background; `result` fills in when the gate decides. */
function startAsk(ask: PermissionAsk, on = gate) {
  const result: { outcome?: PermissionOutcome } = {};
  const promise = on.ask(ask, new AbortController().signal).then((outcome) => (result.outcome = outcome));
  return { result, promise };
}

const isPermission = (event: SseEvent) => event.event === "permission";
const nthPermission = async (stream: SseClient, n = 1) => (await stream.waitForCount(isPermission, n, 5_000))[n - 1]!;

const answer = (url: string, id: string, verdict: "grant" | "deny", key = stack.key) =>
  request(url)
    .post(`/api/permissions/${encodeURIComponent(id)}/${verdict}`)
    .set(bearer(key));

function expectError(body: unknown, code: number, message: RegExp) {
  expect(body).toEqual({ error: { code, message: expect.stringMatching(message), type: expect.any(String), reason: expect.any(String) } });
}

describe("answering from another instance", () => {
  it("shows the request on instance A's stream, and a grant on instance B lets the call run", async () => {
    const { sessionId, stream } = await sessionWithStream();
    const { result, promise } = startAsk(bashAsk(sessionId));
    const event = await nthPermission(stream);
    expect(event.data).toEqual({
      type: "permission",
      id: expect.any(String),
      sessionId,
      toolName: "Bash",
      description: "Run `ls -la`",
      action: "execute",
      params: { command: "ls -la" },
    });
    expect(result.outcome).toBeUndefined();
    await answer(b, event.data.id as string, "grant").expect(200, { granted: true });
    await promise;
    expect(result.outcome).toEqual({ granted: true, via: "granted" });
  });

  it("a deny on instance B tells the model so", async () => {
    const { sessionId, stream } = await sessionWithStream();
    const { result, promise } = startAsk(bashAsk(sessionId, { toolName: "Write", input: { file_path: "notes.md", content: "hi" } }));
    const event = await nthPermission(stream);
    expect(event.data).toMatchObject({ toolName: "Write", description: "Write notes.md", action: "write", path: "notes.md" });
    await answer(b, event.data.id as string, "deny").expect(200, { denied: true });
    await promise;
    expect(result.outcome).toEqual({ granted: false, via: "denied", message: "The user denied permission to run Write." });
  });

  it("reaches the parent's stream when a subagent asks, tagged with the parent tool call", async () => {
    const { sessionId: parentId, stream } = await sessionWithStream();
    const child = await createSession(a, stack.key);
    const { promise } = startAsk(bashAsk(child, { streamSessionId: parentId, parentToolCallId: "task-call-1" }));
    const event = await nthPermission(stream);
    expect(event.data).toMatchObject({ sessionId: child, parentToolCallId: "task-call-1", toolName: "Bash" });
    await answer(b, event.data.id as string, "grant").expect(200, { granted: true });
    await expect(promise).resolves.toEqual({ granted: true, via: "granted" });
  });

  it("denies after the timeout; a late answer on either instance gets 409", async () => {
    const hasty = await startGate(300);
    const { sessionId, stream } = await sessionWithStream();
    const outcome = await hasty.ask(bashAsk(sessionId), new AbortController().signal);
    expect(outcome).toEqual({ granted: false, via: "timeout", message: "Permission to run Bash was not answered within 300 ms, so it was denied." });
    const id = (await nthPermission(stream)).data.id as string;
    expectError((await answer(b, id, "grant").expect(409)).body, 409, /not answered in time/);
    expectError((await answer(a, id, "deny").expect(409)).body, 409, /not answered in time/);
  });

  it("grants always for the session: later calls of the tool run without a new request", async () => {
    const { sessionId, stream } = await sessionWithStream();
    const first = startAsk(bashAsk(sessionId));
    const event = await nthPermission(stream);
    await answer(b, event.data.id as string, "grant")
      .send({ always: true })
      .expect(200, { granted: true });
    await first.promise;
    expect(first.result.outcome).toEqual({ granted: true, via: "granted" });
    const signal = new AbortController().signal;
    await expect(gate.ask(bashAsk(sessionId, { input: { command: "pwd" } }), signal)).resolves.toEqual({ granted: true, via: "always" });
    // A different tool still asks; its request is the stream's second permission event.
    const edit = startAsk(bashAsk(sessionId, { toolName: "Edit", input: { file_path: "a.txt" } }));
    const second = await nthPermission(stream, 2);
    expect(second.data.toolName).toBe("Edit");
    await answer(a, second.data.id as string, "deny").expect(200, { denied: true });
    await edit.promise;
    expect(edit.result.outcome?.via).toBe("denied");
    expect(stream.events.filter(isPermission)).toHaveLength(2);
  });
});

describe("the answer rules", () => {
  it("answers 404 in the error shape for an unknown id, and 401 without a key", async () => {
    for (const url of [a, b]) {
      expectError((await answer(url, "no-such-permission", "grant").expect(404)).body, 404, /not found/);
      expectError((await answer(url, "no-such-permission", "deny").expect(404)).body, 404, /not found/);
    }
    expectError((await answer(a, "x".repeat(5_000), "grant").expect(404)).body, 404, /not found/);
    await request(a).post("/api/permissions/anything/grant").expect(401);
  });

  it("answers 404 for another workspace's permission, which its owner can still answer", async () => {
    const { sessionId, stream } = await sessionWithStream();
    const { result, promise } = startAsk(bashAsk(sessionId));
    const id = (await nthPermission(stream)).data.id as string;
    expectError((await answer(b, id, "grant", stack.otherKey).expect(404)).body, 404, /not found/);
    expectError((await answer(a, id, "deny", stack.otherKey).expect(404)).body, 404, /not found/);
    expect(result.outcome).toBeUndefined();
    await answer(b, id, "grant").expect(200, { granted: true });
    await promise;
    expect(result.outcome?.via).toBe("granted");
  });

  it("validates the optional body, and treats a repeated answer as idempotent and the opposite one as a conflict", async () => {
    const { sessionId, stream } = await sessionWithStream();
    const { promise } = startAsk(bashAsk(sessionId));
    const id = (await nthPermission(stream)).data.id as string;
    expectError((await answer(b, id, "grant").send({ always: "yes" }).expect(400)).body, 400, /always must be a boolean/);
    expectError((await answer(b, id, "grant").send({ forever: true }).expect(400)).body, 400, /unknown field\(s\): forever/);
    expectError((await answer(b, id, "grant").send([true]).expect(400)).body, 400, /JSON object/);
    expectError((await answer(b, id, "deny").send({ reason: "no" }).expect(400)).body, 400, /unknown field\(s\): reason/);
    const malformed = await answer(b, id, "grant").set("Content-Type", "application/json").send("{ always: ").expect(400);
    expectError(malformed.body, 400, /Malformed JSON/);
    // None of the refused answers settled it: a grant without a body does.
    await answer(b, id, "grant").expect(200, { granted: true });
    await expect(promise).resolves.toEqual({ granted: true, via: "granted" });
    await answer(a, id, "grant").send({}).expect(200, { granted: true });
    expectError((await answer(a, id, "deny").expect(409)).body, 409, /already granted/);
  });
});

describe("the permission policy", () => {
  const policy = (url = a, key = stack.key) => request(url).get("/api/permissions/policy").set(bearer(key));
  const setPolicy = (body: unknown, url = a) =>
    request(url)
      .put("/api/permissions/policy")
      .set(bearer(stack.key))
      .send(body as object);
  const DEFAULT = { tools: DEFAULT_ASKING_TOOLS, isDefault: true };

  it("starts at the default, is set per workspace, and resets", async () => {
    await policy().expect(200, DEFAULT);
    await setPolicy({ tools: ["list_directory", "Bash", "list_directory", "github_create_issue"] }).expect(200, {
      tools: ["list_directory", "Bash", "github_create_issue"],
      isDefault: false,
    });
    await policy(b).expect(200, { tools: ["list_directory", "Bash", "github_create_issue"], isDefault: false });
    await policy(a, stack.otherKey).expect(200, DEFAULT);

    // The gate follows it: list_directory (which does not ask by default) now asks, Write no longer does.
    const { sessionId, stream } = await sessionWithStream();
    const signal = new AbortController().signal;
    await expect(gate.ask(bashAsk(sessionId, { toolName: "Write", input: { file_path: "x" } }), signal)).resolves.toEqual({
      granted: true,
      via: "not_required",
    });
    const ls = startAsk(bashAsk(sessionId, { toolName: "list_directory", input: { path: "src" }, defaultRequired: false }));
    const event = await nthPermission(stream);
    expect(event.data).toMatchObject({ toolName: "list_directory", description: "List src", action: "read" });
    await answer(b, event.data.id as string, "grant").expect(200);
    await expect(ls.promise).resolves.toEqual({ granted: true, via: "granted" });

    await setPolicy({ tools: [] }).expect(200, { tools: [], isDefault: false });
    await expect(gate.ask(bashAsk(sessionId), signal)).resolves.toEqual({ granted: true, via: "not_required" });
    await request(b).delete("/api/permissions/policy").set(bearer(stack.key)).expect(200, DEFAULT);
    await policy().expect(200, DEFAULT);
  });

  it("refuses bad policies with 400 naming what is valid, and keeps the old one", async () => {
    await setPolicy({ tools: ["Bash"] }).expect(200);
    const unknown = await setPolicy({ tools: ["Bash", "rm"] }).expect(400);
    expectError(unknown.body, 400, /unknown tool name\(s\): rm; use built-in tools \(Bash, python_execution, ReadText, Write, Edit/);
    expectError((await setPolicy({}).expect(400)).body, 400, /tools is required/);
    expectError((await setPolicy({ tools: "Bash" }).expect(400)).body, 400, /tools must be an array/);
    expectError((await setPolicy({ tools: [""] }).expect(400)).body, 400, /must not be empty/);
    expectError((await setPolicy({ tools: [42] }).expect(400)).body, 400, /array of tool names/);
    expectError((await setPolicy({ tools: ["Bash"], mode: "ask" }).expect(400)).body, 400, /unknown field\(s\): mode/);
    expectError((await setPolicy({ tools: ["a_b".padEnd(129, "c")] }).expect(400)).body, 400, /at most 128 characters/);
    const many = Array.from({ length: 501 }, (_, i) => `server_tool${i}`);
    expectError((await setPolicy({ tools: many }).expect(400)).body, 400, /at most 500 names/);
    await policy().expect(200, { tools: ["Bash"], isDefault: false });
    await request(a).put("/api/permissions/policy").send({ tools: [] }).expect(401);
    await request(a).delete("/api/permissions/policy").expect(401);
    await request(a).delete("/api/permissions/policy").set(bearer(stack.key)).expect(200, DEFAULT);
  });
});
