/**
 * The audit log end to end: each audited action of this part (credentials stored and deleted,
 * permissions granted, denied and timed out, sessions deleted, callbacks changed) leaves one
 * entry naming the key, member and address; entries cannot be changed; admins list them with
 * filters and pages and export them as JSON lines; no workspace sees another's.
 */
import { createHash, randomBytes } from "node:crypto";
import request from "supertest";
import {
  createLogger,
  createRedis,
  EventLog,
  generateApiKey,
  hashApiKey,
  PermissionGate,
  PostgresEventIds,
  RedisKeys,
  type AuditEntryData,
  type PermissionAsk,
  type Role,
} from "@mix/core";
import { waitFor } from "@mix/testing";
import { fakeOAuthEnv, startFakeOAuthServer, type FakeOAuthServer } from "./helpers/fake-oauth-server";
import { createSession } from "./helpers/session-fixtures";
import type { CliContext } from "../src/cli/cli-command";
import { auditCommands } from "../src/cli/commands/audit";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let oauth: FakeOAuthServer;
let url: string;
let workspaceId: string;
let otherWorkspaceId: string;
const connections: ReturnType<typeof createRedis>[] = [];

interface TestKey {
  key: string;
  apiKeyId: string;
  memberId: string | null;
}
let admin: TestKey;
let member: TestKey;
let otherAdmin: TestKey;

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

/** A key of `role`, owned by a new member of that role (or by a service when `member` is false). */
async function keyFor(workspace: string, role: Role, name: string, withMember = true): Promise<TestKey> {
  const owner = withMember ? await prisma().member.create({ data: { workspaceId: workspace, name, email: `${name}@example.test`, role } }) : null;
  const key = generateApiKey();
  const row = await prisma().apiKey.create({
    data: { workspaceId: workspace, name, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10), role, memberId: owner?.id ?? null },
  });
  return { key, apiKeyId: row.id, memberId: owner?.id ?? null };
}

/** A gate as a worker builds it (with the log, so a timeout is recorded), under the stack's prefix. */
async function startGate(timeoutMs: number): Promise<{ gate: PermissionGate; events: EventLog }> {
  const { config } = stack;
  const redis = createRedis(config.REDIS_URL);
  const subscriber = createRedis(config.REDIS_URL);
  connections.push(redis, subscriber);
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const events = new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: new PostgresEventIds(prisma()) });
  const audit = stack.apis[0]!.api.services.audit;
  const gate = new PermissionGate({ redis, subscriber, keys, events, prisma: prisma(), timeoutMs, logger: createLogger("test-gate", "silent"), audit });
  await gate.start();
  return { gate, events };
}

const BASH_INPUT = { command: "cat /secret/token.txt", description: "reads a file" };
/** The digest as anyone can compute it: SHA-256 of the JSON with keys sorted. */
const EXPECTED_DIGEST = `sha256:${createHash("sha256")
  .update(JSON.stringify({ command: BASH_INPUT.command, description: BASH_INPUT.description }))
  .digest("hex")}`;

function ask(sessionId: string): PermissionAsk {
  return {
    workspaceId,
    sessionId,
    streamSessionId: sessionId,
    runId: `run-${randomBytes(4).toString("hex")}`,
    toolCallId: `call-${randomBytes(4).toString("hex")}`,
    toolName: "Bash",
    input: { description: BASH_INPUT.description, command: BASH_INPUT.command },
    defaultRequired: true,
  };
}

/** Asks on `gate` in the background and returns the request's id once its event is on the stream. */
async function pendingPermission(gate: PermissionGate, events: EventLog, sessionId: string) {
  const outcome = gate.ask(ask(sessionId), new AbortController().signal);
  const event = await waitFor(async () => (await events.readAfter(sessionId, 0)).find((logged) => logged.event === "permission"), {
    timeoutMs: 10_000,
    what: "the permission event",
  });
  return { id: (event.data as { id: string }).id, outcome };
}

const list = (key: string, query: Record<string, string> = {}) => request(url).get("/api/workspace/audit").query(query).set(bearer(key));

/** The entries of one action in the workspace of `key`, through the list route. */
async function entriesOf(action: string, key = admin.key): Promise<AuditEntryData[]> {
  const response = await list(key, { action, limit: "200" }).expect(200);
  return response.body as AuditEntryData[];
}

function expectActor(entry: AuditEntryData, who: TestKey) {
  expect(entry.actor.apiKeyId).toBe(who.apiKeyId);
  expect(entry.actor.memberId).toBe(who.memberId);
  expect(entry.actor.address).toMatch(/127\.0\.0\.1|::1/);
}

beforeAll(async () => {
  oauth = await startFakeOAuthServer();
  stack = await startTestStack({ label: "audit", workers: 0, env: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64"), ...fakeOAuthEnv(oauth) } });
  url = stack.apis[0]!.url;
  const services = stack.apis[0]!.api.services;
  workspaceId = (await services.apiKeys.authenticate(stack.key))!.workspaceId;
  otherWorkspaceId = (await services.apiKeys.authenticate(stack.otherKey))!.workspaceId;
  admin = await keyFor(workspaceId, "admin", "alice");
  member = await keyFor(workspaceId, "member", "bob");
  otherAdmin = await keyFor(otherWorkspaceId, "admin", "carol");
});
afterAll(async () => {
  for (const connection of connections) connection.disconnect();
  await stack?.close();
  await oauth?.close();
});

describe("recorded actions", () => {
  it("records credentials stored and deleted, with the key, member and address", async () => {
    await request(url).post("/api/auth/api-key").set(bearer(admin.key)).send({ provider: "anthropic", api_key: "sk-ant-audit-1234" }).expect(200);
    const [stored] = await entriesOf("credentials.stored");
    expectActor(stored!, admin);
    expect(stored).toMatchObject({ workspaceId, target: { type: "credentials", id: "anthropic" }, details: { provider: "anthropic", authMethod: "api_key" } });
    expect(JSON.stringify(stored)).not.toContain("sk-ant-audit");

    await request(url).delete("/api/auth/anthropic").set(bearer(admin.key)).expect(200);
    // Deleting what is no longer there changes nothing and records nothing.
    await request(url).delete("/api/auth/anthropic").set(bearer(admin.key)).expect(200);
    const deleted = await entriesOf("credentials.deleted");
    expect(deleted).toHaveLength(1);
    expectActor(deleted[0]!, admin);
    expect(deleted[0]!.target).toEqual({ type: "credentials", id: "anthropic" });
  });

  it("records credentials stored by an OAuth sign-in", async () => {
    const started = await request(url).post("/api/auth/oauth/anthropic").set(bearer(admin.key)).expect(200);
    const authUrl = new URL(started.body.auth_url as string);
    const code = oauth.approve(authUrl.searchParams.get("code_challenge")!, authUrl.searchParams.get("redirect_uri")!);
    await request(url).post("/api/auth/oauth-callback").set(bearer(admin.key)).send({ provider: "anthropic", code, state: started.body.state }).expect(200);
    const oauthEntries = (await entriesOf("credentials.stored")).filter((entry) => (entry.details as { authMethod?: string }).authMethod === "oauth");
    expect(oauthEntries).toHaveLength(1);
    expectActor(oauthEntries[0]!, admin);
    expect(oauthEntries[0]!.target).toEqual({ type: "credentials", id: "anthropic" });
  });

  it("records a permission granted and one denied: who, session, tool and a digest of the arguments, never the arguments", async () => {
    const { gate, events } = await startGate(60_000);
    const sessionId = await createSession(url, member.key);
    const first = await pendingPermission(gate, events, sessionId);
    await request(url).post(`/api/permissions/${first.id}/grant`).set(bearer(member.key)).send({}).expect(200);
    await expect(first.outcome).resolves.toMatchObject({ granted: true });
    // A repeat of the same answer is no new decision.
    await request(url).post(`/api/permissions/${first.id}/grant`).set(bearer(member.key)).send({}).expect(200);

    const granted = await entriesOf("permission.granted");
    expect(granted).toHaveLength(1);
    expectActor(granted[0]!, member);
    expect(granted[0]).toMatchObject({
      target: { type: "session", id: sessionId },
      details: { permissionId: first.id, tool: "Bash", argumentsDigest: EXPECTED_DIGEST, always: false },
    });
    expect(JSON.stringify(granted[0])).not.toContain("/secret/token.txt");

    const otherSession = await createSession(url, member.key);
    const second = await pendingPermission(gate, events, otherSession);
    await request(url).post(`/api/permissions/${second.id}/deny`).set(bearer(admin.key)).expect(200);
    await expect(second.outcome).resolves.toMatchObject({ granted: false, via: "denied" });
    const [denied] = await entriesOf("permission.denied");
    expectActor(denied!, admin);
    expect(denied).toMatchObject({
      target: { type: "session", id: otherSession },
      details: { permissionId: second.id, tool: "Bash", argumentsDigest: EXPECTED_DIGEST },
    });
  });

  it("records a permission nobody answered as denied by the system", async () => {
    const { gate, events } = await startGate(300);
    const sessionId = await createSession(url, member.key);
    const pending = await pendingPermission(gate, events, sessionId);
    await expect(pending.outcome).resolves.toMatchObject({ granted: false, via: "timeout" });
    const entries = await entriesOf("permission.denied");
    const timedOut = entries.find((entry) => (entry.details as { permissionId?: string }).permissionId === pending.id);
    expect(timedOut).toMatchObject({
      actor: { apiKeyId: null, memberId: null, address: null },
      target: { type: "session", id: sessionId },
      details: { reason: "timeout", argumentsDigest: EXPECTED_DIGEST },
    });
  });

  it("records callbacks changed (naming them, not their commands) and only when they change", async () => {
    const sessionId = await createSession(url, member.key);
    const callbacks = [{ type: "bash_script", toolName: "Write", name: "lint", bashCommand: "TOKEN=hunter2 ./lint.sh" }];
    await request(url).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(member.key)).send({ callbacks }).expect(200);
    await request(url).patch(`/api/sessions/${sessionId}/callbacks`).set(bearer(member.key)).send({ callbacks }).expect(200);
    const entries = (await entriesOf("session.callbacks_changed")).filter((entry) => entry.target?.id === sessionId);
    expect(entries).toHaveLength(1);
    expectActor(entries[0]!, member);
    expect(entries[0]!.details).toMatchObject({ before: [], after: [{ type: "bash_script", toolName: "Write", name: "lint" }] });
    expect(JSON.stringify(entries[0])).not.toContain("hunter2");
  });

  it("records a session deleted", async () => {
    const sessionId = await createSession(url, member.key, { title: "to be deleted" });
    await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(member.key)).expect(204);
    const entries = (await entriesOf("session.deleted")).filter((entry) => entry.target?.id === sessionId);
    expect(entries).toHaveLength(1);
    expectActor(entries[0]!, member);
    expect(entries[0]!.details).toMatchObject({ title: "to be deleted" });
  });

  it("keeps entries as written: the database refuses UPDATE and DELETE", async () => {
    const [entry] = await entriesOf("session.deleted");
    await expect(prisma().$executeRaw`UPDATE "AuditEntry" SET "action" = 'key.created' WHERE "id" = ${entry!.id}`).rejects.toThrow(/append-only/);
    await expect(prisma().$executeRaw`DELETE FROM "AuditEntry" WHERE "id" = ${entry!.id}`).rejects.toThrow(/append-only/);
    await expect(prisma().auditEntry.deleteMany({ where: { workspaceId } })).rejects.toThrow(/append-only/);
    expect((await entriesOf("session.deleted")).map((kept) => kept.id)).toContain(entry!.id);
  });
});

describe("reading the log", () => {
  const audit = () => stack.apis[0]!.api.services.audit;

  beforeAll(async () => {
    // Entries of every kind to filter, some by the other workspace.
    for (let i = 0; i < 5; i++) {
      const actor = { apiKeyId: admin.apiKeyId, memberId: admin.memberId, address: "10.0.0.1" };
      await audit().record({ workspaceId, actor, action: "key.created", target: { type: "api_key", id: `k${i}` } });
    }
    await audit().record({ workspaceId, actor: { apiKeyId: member.apiKeyId, memberId: member.memberId, address: null }, action: "member.role_changed" });
    const otherActor = { apiKeyId: otherAdmin.apiKeyId, memberId: otherAdmin.memberId, address: null };
    await audit().record({ workspaceId: otherWorkspaceId, actor: otherActor, action: "key.created", target: { type: "api_key", id: "k0" } });
  });

  it("filters by action, actor key, actor member, target and time", async () => {
    const keys = (await list(admin.key, { action: "key.created", limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(keys.length).toBeGreaterThanOrEqual(5);
    expect(keys.every((entry) => entry.action === "key.created")).toBe(true);
    const roles = (await list(admin.key, { action: "member.role_changed", limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(roles.length).toBeGreaterThanOrEqual(1);
    const both = (await list(admin.key, { action: "key.created,member.role_changed", limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(both.map((entry) => entry.id).sort()).toEqual([...keys, ...roles].map((entry) => entry.id).sort());
    const byMember = (await list(admin.key, { actorMemberId: member.memberId!, limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(byMember.length).toBeGreaterThan(0);
    expect(byMember.every((entry) => entry.actor.memberId === member.memberId)).toBe(true);
    const byKey = (await list(admin.key, { actorKeyId: admin.apiKeyId, action: "key.created" }).expect(200)).body as AuditEntryData[];
    expect(byKey).toHaveLength(5);
    const one = (await list(admin.key, { targetType: "api_key", targetId: "k3" }).expect(200)).body as AuditEntryData[];
    expect(one.map((entry) => entry.target)).toEqual([{ type: "api_key", id: "k3" }]);

    const all = (await list(admin.key, { limit: "200" }).expect(200)).body as AuditEntryData[];
    const oldest = all.at(-1)!.createdAt;
    const fromOldest = (await list(admin.key, { from: oldest, limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(fromOldest).toHaveLength(all.length);
    expect((await list(admin.key, { to: oldest }).expect(200)).body).toEqual([]);
    expect((await list(admin.key, { from: new Date(Date.now() + 60_000).toISOString() }).expect(200)).body).toEqual([]);
  });

  it("pages newest first through Link and X-Next-Cursor, each entry once", async () => {
    const all = (await list(admin.key, { limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(all.map((entry) => entry.createdAt)).toEqual([...all.map((entry) => entry.createdAt)].sort().reverse());
    const seen: string[] = [];
    let next: string | undefined = "/api/workspace/audit?limit=2";
    let pages = 0;
    while (next && pages < 100) {
      const response = await request(url).get(next).set(bearer(admin.key)).expect(200);
      const page = response.body as AuditEntryData[];
      expect(page.length).toBeLessThanOrEqual(2);
      seen.push(...page.map((entry) => entry.id));
      const link = response.headers.link as string | undefined;
      if (link) expect(link).toContain(`cursor=${response.headers["x-next-cursor"]}`);
      next = link?.match(/^<([^>]+)>; rel="next"$/)?.[1];
      pages += 1;
    }
    expect(seen).toEqual(all.map((entry) => entry.id));
    // The filters ride along in the next link.
    const filtered = await list(admin.key, { action: "key.created", limit: "2" }).expect(200);
    expect(filtered.headers.link).toContain("action=key.created");
  });

  it("answers 400 in the error shape for bad filters", async () => {
    for (const query of <Record<string, string>[]>[
      { action: "key.nope" },
      { limit: "0" },
      { limit: "201" },
      { from: "yesterday" },
      { cursor: "bm90LWEtY3Vyc29y" },
      { actorKeyId: "" },
    ]) {
      const response = await list(admin.key, query).expect(400);
      expect(response.body).toMatchObject({ error: { code: 400, message: expect.any(String), type: expect.any(String) } });
    }
  });

  it("exports every matching entry as JSON lines", async () => {
    const response = await request(url)
      .get("/api/workspace/audit/export")
      .query({ action: "key.created", actorKeyId: admin.apiKeyId })
      .set(bearer(admin.key))
      .buffer(true)
      .parse((res, done) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => done(null, text));
      })
      .expect(200);
    expect(response.headers["content-type"]).toMatch(/^application\/x-ndjson/);
    const lines = (response.body as string).split("\n");
    expect(lines.pop()).toBe("");
    const entries = lines.map((line) => JSON.parse(line) as AuditEntryData);
    expect(entries).toHaveLength(5);
    expect(entries.every((entry) => entry.action === "key.created" && entry.workspaceId === workspaceId)).toBe(true);
    const listed = (await list(admin.key, { action: "key.created", actorKeyId: admin.apiKeyId }).expect(200)).body as AuditEntryData[];
    expect(entries.map((entry) => entry.id)).toEqual(listed.map((entry) => entry.id));
    await request(url).get("/api/workspace/audit/export").query({ to: "nope" }).set(bearer(admin.key)).expect(400);
  });

  it("exports a log longer than one read batch, in order", async () => {
    const many = [];
    for await (const entry of audit().entries(workspaceId, {}, 3)) many.push(entry.id);
    const all = (await list(admin.key, { limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(many).toEqual(all.map((entry) => entry.id));
  });

  it("never shows another workspace's entries", async () => {
    const mine = (await list(admin.key, { limit: "200" }).expect(200)).body as AuditEntryData[];
    const theirs = (await list(otherAdmin.key, { limit: "200" }).expect(200)).body as AuditEntryData[];
    expect(mine.every((entry) => entry.workspaceId === workspaceId)).toBe(true);
    expect(theirs.every((entry) => entry.workspaceId === otherWorkspaceId)).toBe(true);
    expect(theirs).toContainEqual(expect.objectContaining({ action: "key.created", target: { type: "api_key", id: "k0" } }));
    const mineIds = new Set(mine.map((entry) => entry.id));
    expect(theirs.some((entry) => mineIds.has(entry.id))).toBe(false);
    // A cursor of one workspace pages nothing of another's.
    const page = await list(admin.key, { limit: "1" }).expect(200);
    const foreign = (await list(otherAdmin.key, { cursor: page.headers["x-next-cursor"] as string }).expect(200)).body as AuditEntryData[];
    expect(foreign.every((entry) => entry.workspaceId === otherWorkspaceId)).toBe(true);
  });

  it("is for admins: a member's key gets 403", async () => {
    for (const path of ["/api/workspace/audit", "/api/workspace/audit/export"]) {
      const response = await request(url).get(path).set(bearer(member.key)).expect(403);
      expect(response.body.error).toMatchObject({ code: 403 });
      await request(url).get(path).expect(401);
    }
  });
});

describe("recording", () => {
  const audit = () => stack.apis[0]!.api.services.audit;

  it("takes what a caller leaves out as null and bounds what it passes", async () => {
    const workspace = (await prisma().workspace.create({ data: { name: "sparse" } })).id;
    await audit().record({ workspaceId: workspace, actor: {} as never, action: "credits.changed" });
    await audit().record({
      workspaceId: workspace,
      actor: { apiKeyId: "k", memberId: null, address: null },
      action: "credits.changed",
      details: { note: "n".repeat(100_000) },
    });
    const { entries } = await audit().list(workspace, {});
    expect(entries).toHaveLength(2);
    expect(entries.find((entry) => entry.actor.apiKeyId === null)).toMatchObject({ actor: { memberId: null, address: null }, target: null, details: null });
    expect(JSON.stringify(entries.find((entry) => entry.actor.apiKeyId === "k")!.details).length).toBeLessThan(2_000);
  });

  it("commits with the transaction it is given, or not at all", async () => {
    const workspace = (await prisma().workspace.create({ data: { name: "tx" } })).id;
    await expect(
      prisma().$transaction(async (tx) => {
        await audit().record({ workspaceId: workspace, actor: { apiKeyId: null, memberId: null, address: null }, action: "credits.changed" }, tx);
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect((await audit().list(workspace, {})).entries).toEqual([]);
  });
});

describe("the audit commands of the command line", () => {
  const run = async (verb: "list" | "export", values: Record<string, string>) => {
    const lines: string[] = [];
    const { api } = stack.apis[0]!;
    const context = {
      config: stack.config,
      application: { infrastructure: api.infrastructure, services: api.services },
      out: (line: string) => lines.push(line),
    };
    await auditCommands.find((command) => command.name[1] === verb)!.run(values, [], context as unknown as CliContext);
    return lines;
  };

  it("lists a page with the next cursor, and exports JSON lines with the same filters", async () => {
    const page = await run("list", { workspace: workspaceId, action: "key.created", limit: "2" });
    expect(page).toHaveLength(3);
    expect(page[0]).toMatch(/ key\.created api_key k\d {2}by key /);
    expect(page[2]).toMatch(/^more: --cursor [A-Za-z0-9_-]+$/);
    const exported = (await run("export", { workspace: workspaceId, action: "key.created", "actor-key": admin.apiKeyId })).map(
      (line) => JSON.parse(line) as AuditEntryData,
    );
    expect(exported).toHaveLength(5);
    expect(exported.every((entry) => entry.workspaceId === workspaceId && entry.action === "key.created")).toBe(true);
  });

  it("names a bad option or an unknown workspace", async () => {
    await expect(run("list", { workspace: workspaceId, action: "nope" })).rejects.toThrow(/action 'nope' is not one of: key.created/);
    await expect(run("export", { workspace: "no-such-workspace" })).rejects.toThrow(/workspace no-such-workspace not found/);
    await expect(run("list", {})).rejects.toThrow(/--workspace/);
  });
});
