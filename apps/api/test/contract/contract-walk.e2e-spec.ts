/**
 * Walks both contracts on one stack: calls every operation this service implements, on its happy
 * path and its error paths, and validates each answer against the schema that each document
 * declaring the operation (mix-openapi.yaml, the seeds'; mix-openapi-v0.11.4.yaml, today's SDK's)
 * has for that status (error answers against ErrorResponse). SSE events are validated against
 * each document's SSE*Event schemas. Operations not built yet are listed with the issue that
 * builds them, and a test fails when the list and either contract drift apart.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { BUILTIN_TOOLS, createLogger, createRedis, EventLog, NOTIFY_TOOL_NAME, PermissionGate, PostgresEventIds, RedisKeys } from "@mix/core";
import { McpStatusCache, McpToolSource, refreshMcpServerStatus } from "@mix/core";
import { mcpFixtureStdioServer } from "@mix/testing";
import { fakeOAuthEnv, startFakeOAuthServer, type FakeOAuthServer } from "../helpers/fake-oauth-server";
import { createSession, isComplete, openStream, sendMessage } from "../helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "../helpers/test-stack";
import { CONTRACT_NAMES, CONTRACTS, ContractWalker, pendingOutsideContracts, V0114_SDK_USER_AGENT } from "./contract-check";

const walker = new ContractWalker();
const check: ContractWalker["check"] = (...args) => walker.check(...args);
let stack: TestStack;
let url: string;
let oauthServer: FakeOAuthServer;

const storageDir = mkdtempSync(join(tmpdir(), "mix-contract-"));
// Passable by the sandbox user a root worker runs commands as (see createStorageDir).
chmodSync(storageDir, 0o711);
// One MCP server that works (the fixture) and one that cannot start, so both shapes are walked.
const mcpDir = mkdtempSync(join(tmpdir(), "mix-contract-mcp-"));
const mcpServersFile = join(mcpDir, "mcp.json");
writeFileSync(mcpServersFile, JSON.stringify({ mcpServers: { fixture: mcpFixtureStdioServer(), broken: { command: join(mcpDir, "absent") } } }));
afterAll(() => rmSync(mcpDir, { recursive: true, force: true }));

beforeAll(async () => {
  oauthServer = await startFakeOAuthServer();
  stack = await startTestStack({
    label: "contract",
    env: {
      STORAGE_DIR: storageDir,
      MCP_SERVERS_FILE: mcpServersFile,
      CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      ...fakeOAuthEnv(oauthServer),
    },
  });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await oauthServer?.close();
  rmSync(storageDir, { recursive: true, force: true });
});

const get = (path: string) => request(url).get(path).set(bearer(stack.key));
const post = (path: string, body?: object) => request(url).post(path).set(bearer(stack.key)).send(body);

it("lists as pending only operations of the contracts", () => {
  expect(pendingOutsideContracts()).toEqual([]);
  for (const name of CONTRACT_NAMES) expect(CONTRACTS[name].operations().length).toBeGreaterThan(10);
});

describe("sessions and messages", () => {
  it("answers in the contract's shapes, happy and unhappy", async () => {
    check("GET", "/health", await request(url).get("/health"), 200);
    check("GET", "/api/sessions", await get("/api/sessions"), 200);
    check("GET", "/api/sessions", await request(url).get("/api/sessions"), 401);
    check(
      "POST",
      "/api/sessions",
      await post("/api/sessions", { title: "walk", callbacks: [{ type: "bash_script", toolName: "*", bashCommand: "true" }] }),
      201,
    );
    check("POST", "/api/sessions", await post("/api/sessions", {}), 400);
    // What the v0.11.4 SDK sends: browserMode is required there, cdpUrl with a remote browser, a provider with its model.
    check("POST", "/api/sessions", await post("/api/sessions", { title: "walk v0.11.4", browserMode: "local-browser-service" }), 201);
    const remote = { title: "remote", browserMode: "remote-cdp-websocket", cdpUrl: "wss://cdp.example/s/1", provider: "scripted", modelId: "scripted-1" };
    check("POST", "/api/sessions", await post("/api/sessions", remote), 201);
    check("POST", "/api/sessions", await post("/api/sessions", { title: "x", browserMode: "remote-cdp-websocket" }), 400);
    check("POST", "/api/sessions", await post("/api/sessions", { title: "x", browserMode: "firefox" }), 400);

    const sessionId = await createSession(url, stack.key, { title: "walked" });
    const stream = await openStream(url, stack.key, sessionId);
    check("POST", "/api/sessions/{id}/messages", await post(`/api/sessions/${sessionId}/messages`, { text: "walk the contract" }), 202);
    await stream.waitForEvent(isComplete);
    const maxSteps = { text: "walk with a step limit", plan_mode: false, thinking_level: "off", max_steps: 5 };
    check("POST", "/api/sessions/{id}/messages", await post(`/api/sessions/${sessionId}/messages`, maxSteps), 202);
    await stream.waitForCount(isComplete, 2);
    check("POST", "/api/sessions/{id}/messages", await post(`/api/sessions/${sessionId}/messages`, { max_steps: 0, text: "x" }), 400);
    check("POST", "/api/sessions/{id}/messages", await post(`/api/sessions/${sessionId}/messages`, { text: "" }), 400);
    check("POST", "/api/sessions/{id}/messages", await post("/api/sessions/missing/messages", { text: "x" }), 404);
    check("GET", "/api/sessions/{id}/messages", await get(`/api/sessions/${sessionId}/messages`), 200);
    check("GET", "/api/sessions/{id}/messages", await get("/api/sessions/missing/messages"), 404);
    check("GET", "/api/sessions/{id}", await get(`/api/sessions/${sessionId}`), 200);
    check("GET", "/api/sessions/{id}", await get("/api/sessions/missing"), 404);
    check("POST", "/api/sessions/{id}/cancel", await post(`/api/sessions/${sessionId}/cancel`), 200);
    check("POST", "/api/sessions/{id}/cancel", await post("/api/sessions/missing/cancel"), 404);
    check("GET", "/api/messages/history", await get("/api/messages/history?limit=5"), 200);
    check("GET", "/api/messages/history", await request(url).get("/api/messages/history"), 401);

    check("GET", "/api/sessions/{id}/export", await get(`/api/sessions/${sessionId}/export`), 200);
    check("GET", "/api/sessions/{id}/export", await get("/api/sessions/missing/export"), 404);
    const fork = await post(`/api/sessions/${sessionId}/fork`, { messageIndex: 1, title: "walked fork" });
    check("POST", "/api/sessions/{id}/fork", fork, 201);
    // A fork is "forked" in the seeds' contract, which v0.11.4's SessionData lacks: its SDK is shown "main" instead.
    check("GET", "/api/sessions", await get("/api/sessions"), 200, ["seeds"]);
    check("GET", "/api/sessions/{id}", await get(`/api/sessions/${fork.body.id}`), 200, ["seeds"]);
    const asV0114 = (path: string) => get(path).set("User-Agent", V0114_SDK_USER_AGENT);
    check("GET", "/api/sessions", await asV0114("/api/sessions"), 200);
    check("GET", "/api/sessions/{id}", await asV0114(`/api/sessions/${fork.body.id}`), 200);
    check("POST", "/api/sessions/{id}/fork", await post(`/api/sessions/${sessionId}/fork`, { messageIndex: 99 }), 400);
    check("POST", "/api/sessions/{id}/fork", await post("/api/sessions/missing/fork", { messageIndex: 0 }), 404);
    const messages = (await get(`/api/sessions/${sessionId}/messages`)).body as { id: string }[];
    check("POST", "/api/sessions/{id}/rewind", await post(`/api/sessions/${sessionId}/rewind`, { messageId: messages[0]!.id }), 200);
    check("POST", "/api/sessions/{id}/rewind", await post(`/api/sessions/${sessionId}/rewind`, {}), 400);
    check("POST", "/api/sessions/{id}/rewind", await post(`/api/sessions/${sessionId}/rewind`, { messageId: "missing" }), 404);

    check("DELETE", "/api/sessions/{id}", await request(url).delete(`/api/sessions/${fork.body.id}`).set(bearer(stack.key)), 204);
    check("DELETE", "/api/sessions/{id}", await request(url).delete("/api/sessions/missing").set(bearer(stack.key)), 404);
    stream.close();
  });
});

describe("the SSE stream", () => {
  it("sends only events that match their SSE*Event schema", async () => {
    const sessionId = await createSession(url, stack.key);
    const stream = await openStream(url, stack.key, sessionId, "0");
    // The scripted model calls the tools named in the message: one runs at once, one asks first.
    const tools = ["@tool list_directory {}", `@tool Write ${JSON.stringify({ file_path: "a.md", content: "x" })}`];
    await sendMessage(url, stack.key, sessionId, ["think about the events", ...tools].join("\n"));
    const asked = await stream.waitForEvent((event) => event.event === "permission");
    await request(url).post(`/api/permissions/${asked.data.id}/grant`).set(bearer(stack.key)).expect(200);
    await stream.waitForEvent(isComplete);
    walker.walkedOperation("GET", "/stream");
    const names = new Set<string>();
    for (const event of stream.events) {
      walker.checkEvent(event);
      names.add(event.event);
    }
    expect([...names].sort()).toEqual([
      "complete",
      "connected",
      "content",
      "permission",
      "session_created",
      "thinking",
      "tool_execution_complete",
      "tool_execution_start",
      "tool_use_parameter_delta",
      "tool_use_parameter_streaming_complete",
      "tool_use_start",
      "user_message_created",
    ]);
    stream.close();
    // The transcript with those tool calls and their results is in the contract's shape too.
    const messages = await get(`/api/sessions/${sessionId}/messages`);
    check("GET", "/api/sessions/{id}/messages", messages, 200);
    expect(messages.body[1].toolCalls.map((call: { name: string; finished: boolean }) => [call.name, call.finished])).toEqual([
      ["list_directory", true],
      ["Write", true],
    ]);
    check("GET", "/stream", await get("/stream?sessionId=missing"), 404);
  });
});

describe("commands", () => {
  it("answers in the contract's shapes", async () => {
    check("GET", "/api/commands", await get("/api/commands"), 200);
    check("GET", "/api/commands", await request(url).get("/api/commands"), 401);
    check("GET", "/api/commands/{name}", await get("/api/commands/help"), 200);
    check("GET", "/api/commands/{name}", await get("/api/commands/no-such-command"), 404);
  });
});

describe("session files", () => {
  it("answers in the contract's shapes", async () => {
    const sessionId = await createSession(url, stack.key);
    const files = `/api/sessions/${sessionId}/files`;
    const upload = request(url).post(`${files}/upload`).set(bearer(stack.key));
    check("POST", "/api/sessions/{id}/files/upload", await upload.attach("file", Buffer.from("hello files"), "notes.txt"), 201);
    check("POST", "/api/sessions/{id}/files/upload", await request(url).post(`${files}/upload`).set(bearer(stack.key)).send({}), 400);
    check("GET", "/api/sessions/{id}/files", await get(files), 200);
    check("GET", "/api/sessions/{id}/files", await get("/api/sessions/missing/files"), 404);
    check("GET", "/api/sessions/{id}/files/{filename}", await get(`${files}/notes.txt`), 200);
    check("GET", "/api/sessions/{id}/files/{filename}", await get(`${files}/notes.txt?thumb=w100`), 400);
    check("GET", "/api/sessions/{id}/files/{filename}", await get(`${files}/absent.txt`), 404);
    const remove = (name: string) => request(url).delete(`${files}/${name}`).set(bearer(stack.key));
    check("DELETE", "/api/sessions/{id}/files/{filename}", await remove("notes.txt"), 204);
    check("DELETE", "/api/sessions/{id}/files/{filename}", await remove("notes.txt"), 404);
  });
});

describe("preferences and provider credentials", () => {
  it("answer in the contract's shapes", async () => {
    check("GET", "/api/preferences", await get("/api/preferences"), 200);
    check("POST", "/api/preferences", await post("/api/preferences", { main_agent_max_tokens: 2048 }), 200);
    check("POST", "/api/preferences", await post("/api/preferences", { main_agent_max_tokens: -1 }), 400);
    check("GET", "/api/preferences", await get("/api/preferences"), 200);
    check("GET", "/api/preferences/providers", await get("/api/preferences/providers"), 200);
    check("POST", "/api/preferences/reset", await post("/api/preferences/reset"), 200);
    check("POST", "/api/auth/api-key", await post("/api/auth/api-key", { provider: "openai", api_key: "sk-test-0123456789" }), 200);
    check("POST", "/api/auth/api-key", await post("/api/auth/api-key", { provider: "nobody", api_key: "x" }), 400);
    check("GET", "/api/auth/status", await get("/api/auth/status"), 200);
    check("GET", "/api/auth/validate", await get("/api/auth/validate"), 200);
    check("DELETE", "/api/auth/{provider}", await request(url).delete("/api/auth/openai").set(bearer(stack.key)), 200);
    check("DELETE", "/api/auth/{provider}", await request(url).delete("/api/auth/nobody").set(bearer(stack.key)), 400);
  });
});

describe("system info", () => {
  it("answers in the contract's shape, with the storage folder as an absolute path", async () => {
    const info = await get("/api/system/info");
    check("GET", "/api/system/info", info, 200);
    expect(info.body).toEqual({ storageBasePath: storageDir });
    check("GET", "/api/system/info", await request(url).get("/api/system/info"), 401);
  });
});

describe("provider OAuth", () => {
  it("answers in the contract's shapes", async () => {
    check("GET", "/health/auth", await get("/health/auth"), 200);
    const started = await post("/api/auth/oauth/anthropic");
    check("POST", "/api/auth/oauth/{provider}", started, 200);
    check("POST", "/api/auth/oauth/{provider}", await post("/api/auth/oauth/openai"), 400);
    const authUrl = new URL(started.body.auth_url as string);
    oauthServer.expiresIn = 600; // due for a refresh, so the refresh below does one
    const code = oauthServer.approve(authUrl.searchParams.get("code_challenge")!, authUrl.searchParams.get("redirect_uri")!);
    const callback = { provider: "anthropic", code, state: started.body.state };
    check("POST", "/api/auth/oauth-callback", await post("/api/auth/oauth-callback", callback), 200);
    check("POST", "/api/auth/oauth-callback", await post("/api/auth/oauth-callback", callback), 400);
    check("POST", "/api/auth/oauth-callback", await post("/api/auth/oauth-callback", { provider: "anthropic" }), 400);
    check("GET", "/health/auth", await get("/health/auth"), 200);
    check("POST", "/internal/auth/refresh-tokens", await post("/internal/auth/refresh-tokens"), 200);
  });
});

describe("tools and callbacks", () => {
  it("answer in the contract's shapes", async () => {
    check("GET", "/api/tools", await get("/api/tools"), 200);
    check("GET", "/api/tools/status", await get("/api/tools/status"), 200);
    check("GET", "/api/tools/credentials-status", await get("/api/tools/credentials-status"), 200);
    const sessionId = await createSession(url, stack.key);
    const patch = (id: string, body: object) => request(url).patch(`/api/sessions/${id}/callbacks`).set(bearer(stack.key)).send(body);
    check(
      "PATCH",
      "/api/sessions/{id}/callbacks",
      await patch(sessionId, { callbacks: [{ type: "send_message", toolName: "Bash", messageContent: "check it" }] }),
      200,
    );
    check("PATCH", "/api/sessions/{id}/callbacks", await patch(sessionId, { callbacks: [{ type: "bash_script", toolName: "*" }] }), 400);
    check("PATCH", "/api/sessions/{id}/callbacks", await patch("missing", { callbacks: [] }), 404);
  });
});

describe("permissions", () => {
  it("answer in the contract's shapes, with the permission event on the stream", async () => {
    // A gate as a worker runs it (own connections, the stack's prefix) asks for a real session.
    const redis = createRedis(stack.config.REDIS_URL);
    const subscriber = createRedis(stack.config.REDIS_URL);
    const keys = new RedisKeys(stack.config.REDIS_PREFIX);
    const { prisma } = stack.apis[0]!.api.infrastructure;
    const events = new EventLog(redis, keys, { maxLen: 100, ttlSeconds: 600, ids: new PostgresEventIds(prisma) });
    const gate = new PermissionGate({ redis, subscriber, keys, events, prisma, timeoutMs: 30_000, logger: createLogger("contract-gate", "silent") });
    const sessionId = await createSession(url, stack.key);
    const stream = await openStream(url, stack.key, sessionId);
    try {
      await gate.start();
      const { workspaceId } = (await stack.apis[0]!.api.services.apiKeys.authenticate(stack.key))!;
      const ask = { workspaceId, sessionId, streamSessionId: sessionId, runId: "run-walk", toolName: "Bash", defaultRequired: true };
      const signal = new AbortController().signal;
      for (const [n, verdict] of [
        [1, "grant"],
        [2, "deny"],
      ] as const) {
        const outcome = gate.ask({ ...ask, toolCallId: `call-${verdict}`, input: { command: `echo ${verdict}` } }, signal);
        const [event] = (await stream.waitForCount((candidate) => candidate.event === "permission", n)).slice(n - 1);
        walker.checkEvent(event!);
        const path = `/api/permissions/{id}/${verdict}`;
        check("POST", path, await post(`/api/permissions/${event!.data.id as string}/${verdict}`), 200);
        expect((await outcome).granted).toBe(verdict === "grant");
        check("POST", path, await post(`/api/permissions/missing/${verdict}`), 404);
        check("POST", path, await request(url).post(`/api/permissions/missing/${verdict}`), 401);
      }
    } finally {
      stream.close();
      redis.disconnect();
      subscriber.disconnect();
    }
  });
});

describe("notifications", () => {
  it("answer in the contract's shapes, with the notification event on the stream", async () => {
    const sessionId = await createSession(url, stack.key);
    const stream = await openStream(url, stack.key, sessionId);
    try {
      const ask = { type: "question", title: "Theme", message: "Which colour?", responseType: "choice", choices: ["red", "blue"] };
      await sendMessage(url, stack.key, sessionId, `@tool ${NOTIFY_TOOL_NAME} ${JSON.stringify(ask)}`);
      const asked = await stream.waitForEvent((event) => event.event === "notification");
      walker.checkEvent(asked);
      const path = "/api/notifications/{id}/respond";
      const respond = (id: string, body: object) => post(`/api/notifications/${id}/respond`, body);
      check("POST", path, await respond(asked.data.id as string, { type: "text", value: "red" }), 400);
      check("POST", path, await respond(asked.data.id as string, { type: "choice", value: "green" }), 400);
      check("POST", path, await respond(asked.data.id as string, { type: "choice", value: "blue" }), 204);
      check("POST", path, await respond(asked.data.id as string, { type: "choice", value: "blue" }), 404);
      check("POST", path, await respond("missing", { type: "acknowledge" }), 404);
      check("POST", path, await request(url).post("/api/notifications/missing/respond").send({ type: "acknowledge" }), 401);
      await stream.waitForEvent(isComplete);
      for (const event of stream.events) walker.checkEvent(event);
    } finally {
      stream.close();
    }
  });
});

describe("MCP servers", () => {
  it("answer in the contract's shape before and after the background refresh", async () => {
    check("GET", "/api/mcp", await get("/api/mcp"), 200);
    check("GET", "/api/mcp", await request(url).get("/api/mcp"), 401);
    // The maintenance job's work, done here: check the servers and fill the cache the API reads.
    const { redis, keys } = stack.apis[0]!.api.infrastructure;
    const source = new McpToolSource({ config: stack.config, logger: createLogger("contract-mcp", "silent") });
    try {
      await refreshMcpServerStatus({ source, cache: new McpStatusCache(redis, keys, 60), logger: createLogger("contract-mcp", "silent") });
    } finally {
      await source.close();
    }
    const listed = await get("/api/mcp");
    check("GET", "/api/mcp", listed, 200);
    expect(listed.body.map((server: { name: string; connected: boolean }) => [server.name, server.connected])).toEqual([
      ["fixture", true],
      ["broken", false],
    ]);
  });
});

it.each(CONTRACT_NAMES)("names every built-in tool as the %s contract's ToolName allows, so tool events and tool calls validate", (name) => {
  const toolName = CONTRACTS[name].schema("ToolName");
  const invalid = BUILTIN_TOOLS.map((tool) => tool.name).filter((tool) => !toolName(tool));
  expect(invalid).toEqual([]);
});

it.each(CONTRACT_NAMES)("walked every operation of the %s contract that is not pending", (name) => {
  expect(walker.coverage(name)).toEqual({ notWalked: [], notInContract: [] });
});
