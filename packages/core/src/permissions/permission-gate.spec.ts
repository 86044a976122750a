/** The permission gate and the answering service on a real Redis and Postgres. */
import { randomUUID } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, waitFor, type TestDatabase, DEFAULT_ASKING_TOOLS } from "@mix/testing";
import type { LoggedEvent } from "../contracts";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import { createLogger } from "../logging/logger";
import { expectAppError } from "../../test/helpers/expect-app-error";
import { PermissionGate, type PermissionAsk, type PermissionOutcome } from "./permission-gate";
import { PermissionsService } from "./permissions.service";
import type { RedisClient } from "../redis/connection";
import { testRedis, testRedisKeys } from "../../test/helpers/test-redis-client";

const prefix = testRedisPrefix("permgate");
const keys = testRedisKeys(prefix);
const logger = createLogger("test", "silent");
const redis = testRedis();
const connections: RedisClient[] = [redis];
let database: TestDatabase;
let prisma: PrismaClient;
// Ids are reserved in the file's database, made in beforeAll; nothing appends before that.
const events = new EventLog(redis, keys, {
  maxLen: 1_000,
  ttlSeconds: 600,
  ids: { reserve: (...args) => new PostgresEventIds(prisma).reserve(...args) },
});
let service: PermissionsService;
let workspaceId: string;
let otherWorkspaceId: string;
/** A gate with a normal timeout, shared by the tests that answer in time. */
let gate: PermissionGate;

async function startGate(options: { timeoutMs?: number; recheckMs?: number } = {}) {
  const subscriber = testRedis();
  connections.push(subscriber);
  const started = new PermissionGate({ redis, subscriber, keys, events, prisma, timeoutMs: options.timeoutMs ?? 20_000, logger, recheckMs: options.recheckMs });
  await started.start();
  return { gate: started, subscriber };
}

beforeAll(async () => {
  database = await createTestDatabase("permgate");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  service = new PermissionsService({ prisma, redis, keys, logger });
  workspaceId = (await prisma.workspace.create({ data: { name: "permissions" } })).id;
  otherWorkspaceId = (await prisma.workspace.create({ data: { name: "someone else" } })).id;
  gate = (await startGate()).gate;
});

afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
  await deleteRedisPrefix(prefix);
  for (const connection of connections) connection.disconnect();
});

function bashAsk(overrides: Partial<PermissionAsk> = {}): PermissionAsk {
  const sessionId = overrides.sessionId ?? randomUUID();
  return {
    workspaceId,
    sessionId,
    streamSessionId: sessionId,
    runId: randomUUID(),
    toolCallId: `call-${randomUUID()}`,
    toolName: "Bash",
    input: { command: "ls -la" },
    defaultRequired: true,
    ...overrides,
  };
}

const permissionEvents = async (sessionId: string) =>
  (await events.readAfter(sessionId, 0)).filter((event): event is LoggedEvent<"permission"> => event.event === "permission");

/** The n-th (1-based) permission event of the session's stream, once it is there. */
const nthPermission = (sessionId: string, n = 1) =>
  waitFor(async () => (await permissionEvents(sessionId))[n - 1], { timeoutMs: 5_000, what: `permission event #${n}` });

/** Asks, and settles how the promise ended, so a test can assert on it after answering. */
function startAsk(ask: PermissionAsk, signal = new AbortController().signal, on = gate) {
  const result: { outcome?: PermissionOutcome; error?: unknown } = {};
  const promise = on.ask(ask, signal).then(
    (outcome) => (result.outcome = outcome),
    (error: unknown) => (result.error = error),
  );
  return { result, promise };
}

describe("the default policy", () => {
  it("lets a tool that does not ask by default run at once, without any event", async () => {
    const ask = bashAsk({ toolName: "list_directory", input: {}, defaultRequired: false });
    await expect(gate.ask(ask, new AbortController().signal)).resolves.toEqual({ granted: true, via: "not_required" });
    expect(await events.readAfter(ask.streamSessionId, 0)).toEqual([]);
  });

  it("asks with a permission event describing the call, and runs once granted", async () => {
    const ask = bashAsk();
    const { result, promise } = startAsk(ask);
    const event = await nthPermission(ask.streamSessionId);
    expect(event.data).toEqual({
      type: "permission",
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      sessionId: ask.sessionId,
      toolName: "Bash",
      description: "Run `ls -la`",
      action: "execute",
      params: { command: "ls -la" },
    });
    expect(result).toEqual({}); // still waiting
    await expect(service.grant(workspaceId, event.data.id)).resolves.toEqual({ granted: true });
    await promise;
    expect(result.outcome).toEqual({ granted: true, via: "granted" });
    // A retried grant is accepted as it stands; the opposite answer is a conflict.
    await expect(service.grant(workspaceId, event.data.id)).resolves.toEqual({ granted: true });
    await expectAppError(service.deny(workspaceId, event.data.id), 409, /already granted/);
  });

  it("tells the model the user denied, and refuses a late grant", async () => {
    const ask = bashAsk({ toolName: "Write", input: { file_path: "notes.md", content: "hello" } });
    const { result, promise } = startAsk(ask);
    const event = await nthPermission(ask.streamSessionId);
    expect(event.data).toMatchObject({ toolName: "Write", description: "Write notes.md", action: "write", path: "notes.md" });
    await expect(service.deny(workspaceId, event.data.id)).resolves.toEqual({ denied: true });
    await promise;
    expect(result.outcome).toEqual({ granted: false, via: "denied", message: "The user denied permission to run Write." });
    await expect(service.deny(workspaceId, event.data.id)).resolves.toEqual({ denied: true });
    await expectAppError(service.grant(workspaceId, event.data.id), 409, /already denied/);
  });
});

describe("answers that cannot apply", () => {
  it("answers 404 for an unknown id, and for another workspace's request (which stays pending)", async () => {
    await expectAppError(service.grant(workspaceId, "no-such-permission"), 404, /not found/);
    await expectAppError(service.deny(workspaceId, ""), 404, /not found/);
    const ask = bashAsk();
    const { result, promise } = startAsk(ask);
    const event = await nthPermission(ask.streamSessionId);
    await expectAppError(service.grant(otherWorkspaceId, event.data.id), 404, /not found/);
    await expectAppError(service.deny(otherWorkspaceId, event.data.id), 404, /not found/);
    expect(result).toEqual({});
    await service.deny(workspaceId, event.data.id);
    await promise;
    expect(result.outcome?.via).toBe("denied");
  });

  it("denies after the timeout, and a later answer learns it came too late", async () => {
    const { gate: hasty } = await startGate({ timeoutMs: 300 });
    const ask = bashAsk();
    const started = Date.now();
    const outcome = await hasty.ask(ask, new AbortController().signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(outcome).toEqual({ granted: false, via: "timeout", message: "Permission to run Bash was not answered within 300 ms, so it was denied." });
    const event = await nthPermission(ask.streamSessionId);
    await expectAppError(service.grant(workspaceId, event.data.id), 409, /not answered in time/);
    await expectAppError(service.deny(workspaceId, event.data.id), 409, /not answered in time/);
  });

  it("stops waiting with the signal's reason when the run is cancelled; a later answer is refused", async () => {
    const ask = bashAsk();
    const controller = new AbortController();
    const { result, promise } = startAsk(ask, controller.signal);
    const event = await nthPermission(ask.streamSessionId);
    const reason = new Error("Run cancelled");
    controller.abort(reason);
    await promise;
    expect(result.error).toBe(reason);
    await waitFor(async () => (await redis.hget(keys.userRequest("permission", event.data.id), "status")) === "cancelled", {
      timeoutMs: 2_000,
      what: "the cancel to be recorded",
    });
    await expectAppError(service.grant(workspaceId, event.data.id), 409, /cancelled/);
  });

  it("rejects at once, with no event, when the signal is already aborted", async () => {
    const ask = bashAsk();
    const controller = new AbortController();
    const reason = new Error("gone");
    controller.abort(reason);
    await expect(gate.ask(ask, controller.signal)).rejects.toBe(reason);
    expect(await events.readAfter(ask.streamSessionId, 0)).toEqual([]);
  });
});

describe("the decision kept on the request", () => {
  it("is found when the answer's message never reached this gate", async () => {
    const { gate: deaf, subscriber } = await startGate({ recheckMs: 50 });
    // As if the subscriber were reconnecting when the answer was published.
    await subscriber.unsubscribe(keys.userRequestAnswersChannel());
    const ask = bashAsk();
    const { result, promise } = startAsk(ask, new AbortController().signal, deaf);
    const event = await nthPermission(ask.streamSessionId);
    await service.grant(workspaceId, event.data.id);
    await promise;
    expect(result.outcome).toEqual({ granted: true, via: "granted" });
  });

  it("ignores answers for requests this gate does not hold, and malformed messages", async () => {
    await redis.publish(keys.userRequestAnswersChannel(), "not json");
    await redis.publish(keys.userRequestAnswersChannel(), JSON.stringify({ id: "someone-else", status: "granted" }));
    const ask = bashAsk();
    const { result, promise } = startAsk(ask);
    const event = await nthPermission(ask.streamSessionId);
    // A forged message for this id with an unknown status changes nothing either.
    await redis.publish(keys.userRequestAnswersChannel(), JSON.stringify({ id: event.data.id, status: "maybe" }));
    await service.deny(workspaceId, event.data.id);
    await promise;
    expect(result.outcome?.via).toBe("denied");
  });

  it("refuses to ask before start()", async () => {
    const unstarted = new PermissionGate({ redis, subscriber: redis, keys, events, prisma, timeoutMs: 1_000, logger });
    await expect(unstarted.ask(bashAsk(), new AbortController().signal)).rejects.toThrow(/start\(\)/);
  });
});

describe("always for this session", () => {
  it("covers later calls of the same tool in the session and its subagents, and nothing else", async () => {
    const ask = bashAsk();
    const { promise } = startAsk(ask);
    const event = await nthPermission(ask.streamSessionId);
    await service.grant(workspaceId, event.data.id, { always: true });
    await expect(promise).resolves.toEqual({ granted: true, via: "granted" });

    const signal = new AbortController().signal;
    await expect(gate.ask({ ...ask, toolCallId: "again", input: { command: "rm -rf build" } }, signal)).resolves.toEqual({ granted: true, via: "always" });
    const subagent = { ...ask, sessionId: randomUUID(), toolCallId: "nested", parentToolCallId: "task-1" };
    await expect(gate.ask(subagent, signal)).resolves.toEqual({ granted: true, via: "always" });
    expect(await permissionEvents(ask.streamSessionId)).toHaveLength(1);

    // Another tool of the same session still asks, and so does the same tool in another session.
    const write = startAsk({ ...ask, toolName: "Edit", input: { file_path: "a.ts", old_string: "a", new_string: "b" } });
    const editEvent = await nthPermission(ask.streamSessionId, 2);
    expect(editEvent.data).toMatchObject({ toolName: "Edit", description: "Edit a.ts", action: "edit", path: "a.ts" });
    await service.deny(workspaceId, editEvent.data.id);
    await write.promise;
    expect(write.result.outcome?.via).toBe("denied");
    const elsewhere = bashAsk();
    const other = startAsk(elsewhere);
    await service.deny(workspaceId, (await nthPermission(elsewhere.streamSessionId)).data.id);
    await other.promise;
    expect(other.result.outcome?.via).toBe("denied");
    expect(await redis.ttl(keys.permissionAlways(ask.streamSessionId))).toBeGreaterThan(29 * 24 * 3_600);
  });

  it("puts a subagent's request on the parent's stream, tagged with the parent tool call", async () => {
    const parent = randomUUID();
    const ask = bashAsk({ streamSessionId: parent, toolName: "web_fetch", input: { url: "https://example.com/a" }, parentToolCallId: "task-call-7" });
    const { promise } = startAsk(ask);
    const event = await nthPermission(parent);
    expect(event.data).toEqual({
      type: "permission",
      id: expect.any(String),
      sessionId: ask.sessionId,
      toolName: "web_fetch",
      description: "Fetch https://example.com/a",
      action: "fetch",
      path: "https://example.com/a",
      params: { url: "https://example.com/a" },
      parentToolCallId: "task-call-7",
    });
    expect(await events.readAfter(ask.sessionId, 0)).toEqual([]);
    await service.grant(workspaceId, event.data.id);
    await expect(promise).resolves.toEqual({ granted: true, via: "granted" });
  });
});

describe("a workspace policy", () => {
  afterEach(() => service.resetPolicy(workspaceId));

  it("makes exactly the listed tools ask", async () => {
    await service.setPolicy(workspaceId, { tools: ["list_directory", "github_create_issue"] });
    const signal = new AbortController().signal;
    await expect(gate.ask(bashAsk(), signal)).resolves.toEqual({ granted: true, via: "not_required" });
    const mcp = bashAsk({ toolName: "github_create_issue", input: { title: "x" }, defaultRequired: false });
    const { promise } = startAsk(mcp);
    const event = await nthPermission(mcp.streamSessionId);
    expect(event.data).toMatchObject({ toolName: "github_create_issue", description: "Call github_create_issue", action: "call", params: { title: "x" } });
    await service.grant(workspaceId, event.data.id);
    await expect(promise).resolves.toEqual({ granted: true, via: "granted" });
    // Another workspace keeps the default.
    const other = bashAsk({ workspaceId: otherWorkspaceId, toolName: "list_directory", input: {}, defaultRequired: false });
    await expect(gate.ask(other, signal)).resolves.toEqual({ granted: true, via: "not_required" });
  });

  it("with no tools lets everything run; reset brings the default back", async () => {
    expect(await service.setPolicy(workspaceId, { tools: [] })).toEqual({ tools: [], isDefault: false });
    const signal = new AbortController().signal;
    await expect(gate.ask(bashAsk(), signal)).resolves.toEqual({ granted: true, via: "not_required" });
    const reset = await service.resetPolicy(workspaceId);
    expect(reset).toEqual({ tools: DEFAULT_ASKING_TOOLS, isDefault: true });
    const ask = bashAsk();
    const { promise } = startAsk(ask);
    await service.deny(workspaceId, (await nthPermission(ask.streamSessionId)).data.id);
    await expect(promise).resolves.toMatchObject({ granted: false, via: "denied" });
  });

  it("falls back to the default when the stored policy is unreadable", async () => {
    await prisma.workspace.update({ where: { id: workspaceId }, data: { permissionPolicy: { tools: "Bash" } } });
    expect(await service.getPolicy(workspaceId)).toEqual({ tools: DEFAULT_ASKING_TOOLS, isDefault: true });
    await expect(gate.ask(bashAsk({ toolName: "list_directory", input: {}, defaultRequired: false }), new AbortController().signal)).resolves.toEqual({
      granted: true,
      via: "not_required",
    });
  });

  it("refuses names that are neither built-in tools nor MCP tools, naming the valid ones", async () => {
    await expectAppError(
      service.setPolicy(workspaceId, { tools: ["Bash", "bash", "Nope"] }),
      400,
      /unknown tool name\(s\): bash, Nope; use built-in tools \(Bash, python_execution, ReadText/,
    );
    expect(await service.getPolicy(workspaceId)).toMatchObject({ isDefault: true });
    expect(await service.setPolicy(workspaceId, { tools: ["Write", "Write", "brave_search"] })).toEqual({ tools: ["Write", "brave_search"], isDefault: false });
  });
});
