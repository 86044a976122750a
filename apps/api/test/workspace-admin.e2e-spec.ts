/**
 * Members and API keys through the REST API: created, listed, changed, revoked and expired, with
 * the role rules (admins manage, owners hand out admin and owner), what a read-only key may do,
 * revocation seen by a second instance within a second, bad input, and the audit entries of it
 * all, read straight from Postgres.
 */
import request from "supertest";
import { hashApiKey, type Infrastructure } from "@mix/core";
import { waitFor } from "@mix/testing";
import { upload } from "./helpers/file-fixtures";
import { createRoleKeys, workspaceOf } from "./helpers/role-keys";
import { createSession, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

/** Far inside the key cache's 30 s: what "at once" has to mean across instances. */
const AT_ONCE = { timeoutMs: 1_000, intervalMs: 10 };

let stack: TestStack;
let urlA: string;
let urlB: string;
let infra: Infrastructure;
let workspaceId: string;
let admin: { secret: string; id: string };
let owner: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "workspace-admin", apiInstances: 2, workers: 0 });
  [urlA, urlB] = stack.apis.map((api) => api.url) as [string, string];
  infra = stack.apis[0]!.api.infrastructure;
  const services = stack.apis[0]!.api.services;
  owner = stack.key;
  workspaceId = await workspaceOf(services, owner);
  admin = (await createRoleKeys(services, workspaceId)).admin;
});
afterAll(() => stack?.close());

const api = (key: string, url = urlA) => ({
  get: (path: string) => request(url).get(path).set(bearer(key)),
  post: (path: string, body: object = {}) => request(url).post(path).set(bearer(key)).send(body),
  patch: (path: string, body: object) => request(url).patch(path).set(bearer(key)).send(body),
  delete: (path: string) => request(url).delete(path).set(bearer(key)),
});
const keyIdOf = async (secret: string) => (await infra.prisma.apiKey.findUniqueOrThrow({ where: { keyHash: hashApiKey(secret) } })).id;
const auditOf = (action: string, targetId: string) =>
  infra.prisma.auditEntry.findMany({ where: { workspaceId, action, target: { path: ["id"], equals: targetId } }, orderBy: { createdAt: "asc" } });
let emails = 0;
const nextEmail = () => `person${++emails}@example.com`;
async function addMember(role = "member", key = owner) {
  const response = await api(key).post("/api/workspace/members", { name: `Member ${emails}`, email: nextEmail(), role });
  expect(response.status).toBe(201);
  return response.body as { id: string; email: string; role: string };
}
async function createKey(body: object, key = owner) {
  const response = await api(key).post("/api/workspace/keys", body);
  expect(response.status).toBe(201);
  return response.body as { key: { id: string; prefix: string; role: string; status: string }; secret: string };
}
const expectError = (response: request.Response, status: number, message: RegExp) => {
  expect(response.status).toBe(status);
  expect(response.body).toEqual({ error: { code: status, type: expect.any(String), reason: expect.any(String), message: expect.stringMatching(message) } });
};

describe("the workspace", () => {
  it("tells any key its workspace, plan and own role", async () => {
    const response = await api(owner).get("/api/workspace").expect(200);
    expect(response.body).toEqual({
      id: workspaceId,
      name: "workspace-admin-a",
      plan: "default",
      createdAt: expect.any(String),
      role: "owner",
      apiKeyId: await keyIdOf(owner),
      memberId: null,
    });
    const { secret } = await createKey({ name: "reader", role: "read_only" });
    expect((await api(secret).get("/api/workspace").expect(200)).body).toMatchObject({ id: workspaceId, role: "read_only" });
  });
});

describe("members", () => {
  it("are added, listed, given another role and removed, each change in the audit log with its actor", async () => {
    const added = await api(owner).post("/api/workspace/members", { name: "  Ada Lovelace ", email: " Ada@Example.COM ", role: "read_only" }).expect(201);
    expect(added.body).toEqual({
      id: expect.any(String),
      name: "Ada Lovelace",
      email: "ada@example.com",
      role: "read_only",
      createdAt: expect.any(String),
      removedAt: null,
    });
    const id = added.body.id as string;
    expect((await api(admin.secret).get("/api/workspace/members").expect(200)).body.members).toContainEqual(added.body);
    expect((await api(admin.secret).get(`/api/workspace/members/${id}`).expect(200)).body).toEqual(added.body);

    const changed = await api(admin.secret).patch(`/api/workspace/members/${id}`, { role: "member" }).expect(200);
    expect(changed.body.role).toBe("member");
    const removed = await api(admin.secret).delete(`/api/workspace/members/${id}`).expect(200);
    expect(removed.body.removedAt).toEqual(expect.any(String));
    expect((await api(owner).get("/api/workspace/members").expect(200)).body.members.map((member: { id: string }) => member.id)).not.toContain(id);
    expect((await api(owner).get("/api/workspace/members?includeRemoved=true").expect(200)).body.members).toContainEqual(removed.body);
    await api(owner).get(`/api/workspace/members/${id}`).expect(404);

    const ownerKeyId = await keyIdOf(owner);
    const [addedEntry] = await auditOf("member.added", id);
    expect(addedEntry).toMatchObject({ actorKeyId: ownerKeyId, details: { name: "Ada Lovelace", email: "ada@example.com", role: "read_only" } });
    expect(addedEntry!.clientAddress).toEqual(expect.any(String));
    expect(await auditOf("member.role_changed", id)).toEqual([
      expect.objectContaining({ actorKeyId: admin.id, details: { from: "read_only", to: "member", keysLowered: 0 } }),
    ]);
    expect(await auditOf("member.removed", id)).toEqual([
      expect.objectContaining({ actorKeyId: admin.id, details: expect.objectContaining({ keysRevoked: 0 }) }),
    ]);
  });

  it("refuses a second member with the same email (409), however it is typed, and takes back a removed one", async () => {
    const email = nextEmail();
    const first = await api(owner).post("/api/workspace/members", { name: "First", email }).expect(201);
    expectError(await api(owner).post("/api/workspace/members", { name: "Second", email: email.toUpperCase() }), 409, /already exists/);
    await api(owner).delete(`/api/workspace/members/${first.body.id}`).expect(200);
    const back = await api(owner).post("/api/workspace/members", { name: "Back", email, role: "read_only" }).expect(201);
    expect(back.body).toMatchObject({ id: first.body.id, name: "Back", role: "read_only", removedAt: null });
  });

  it("refuses bad input with 400 in the error shape", async () => {
    const post = (body: object) => api(owner).post("/api/workspace/members", body);
    expectError(await post({ name: "", email: nextEmail() }), 400, /name is required/);
    expectError(await post({ name: "x".repeat(201), email: nextEmail() }), 400, /at most 200/);
    expectError(await post({ name: "nul\u0000byte", email: nextEmail() }), 400, /NUL/);
    expectError(await post({ name: "No email" }), 400, /email/);
    expectError(await post({ name: "Bad email", email: "not-an-email" }), 400, /email/);
    expectError(await post({ name: "Long email", email: `${"a".repeat(250)}@example.com` }), 400, /at most 254/);
    expectError(await post({ name: "Bad role", email: nextEmail(), role: "superuser" }), 400, /role must be one of/);
    expectError(await post({ name: "Extra", email: nextEmail(), admin: true }), 400, /admin/);
    const member = await addMember();
    expectError(await api(owner).patch(`/api/workspace/members/${member.id}`, { role: "god" }), 400, /role must be one of/);
    expectError(await api(owner).patch(`/api/workspace/members/${member.id}`, {}), 400, /role/);
  });

  it("answers 404 for unknown ids and for another workspace's members", async () => {
    const services = stack.apis[0]!.api.services;
    const otherWorkspace = await workspaceOf(services, stack.otherKey);
    const theirs = await api(stack.otherKey).post("/api/workspace/members", { name: "Theirs", email: nextEmail() }).expect(201);
    for (const id of ["no-such-member", theirs.body.id as string, "x".repeat(3_000)]) {
      expectError(await api(owner).get(`/api/workspace/members/${id}`), 404, /Member not found/);
      expectError(await api(owner).patch(`/api/workspace/members/${id}`, { role: "read_only" }), 404, /Member not found/);
      expectError(await api(owner).delete(`/api/workspace/members/${id}`), 404, /Member not found/);
    }
    for (const memberId of ["no-such-member", theirs.body.id as string])
      expectError(await api(owner).post("/api/workspace/keys", { name: "k", role: "read_only", memberId }), 404, /Member not found/);
    expect((await infra.prisma.member.findUniqueOrThrow({ where: { id: theirs.body.id } })).workspaceId).toBe(otherWorkspace);
    expect((await infra.prisma.member.findUniqueOrThrow({ where: { id: theirs.body.id } })).removedAt).toBeNull();
  });
});

describe("the role rules", () => {
  it("let an admin hand out member and read_only, and only an owner admin and owner", async () => {
    expectError(await api(admin.secret).post("/api/workspace/members", { name: "A", email: nextEmail(), role: "admin" }), 403, /Only an owner/);
    expectError(await api(admin.secret).post("/api/workspace/keys", { name: "k", role: "owner" }), 403, /Only an owner/);
    const member = await addMember("member", admin.secret);
    expectError(await api(admin.secret).patch(`/api/workspace/members/${member.id}`, { role: "admin" }), 403, /Only an owner/);
    const promoted = await api(owner).patch(`/api/workspace/members/${member.id}`, { role: "admin" }).expect(200);
    expect(promoted.body.role).toBe("admin");
    // Now an admin: only an owner may change or remove it.
    expectError(await api(admin.secret).delete(`/api/workspace/members/${member.id}`), 403, /Only an owner/);
    const adminKey = await createKey({ name: "their admin key", role: "admin", memberId: member.id });
    expectError(await api(admin.secret).delete(`/api/workspace/keys/${adminKey.key.id}`), 403, /Only an owner/);
    // Any admin may revoke its own key.
    await api(adminKey.secret).delete(`/api/workspace/keys/${adminKey.key.id}`).expect(200);
  });

  it("keep a member's key at or below the member's role (400)", async () => {
    const member = await addMember("read_only");
    expectError(await api(owner).post("/api/workspace/keys", { name: "too strong", role: "member", memberId: member.id }), 400, /cannot have the member role/);
    await createKey({ name: "fits", role: "read_only", memberId: member.id });
  });

  it("never take away a workspace's last owner (409), and lower a demoted member's keys at once everywhere", async () => {
    const ownerMember = await addMember("owner");
    expectError(await api(owner).patch(`/api/workspace/members/${ownerMember.id}`, { role: "admin" }), 409, /last owner/);
    expectError(await api(owner).delete(`/api/workspace/members/${ownerMember.id}`), 409, /last owner/);
    const second = await addMember("owner");
    const key = await createKey({ name: "second owner's key", role: "owner", memberId: second.id });
    expect((await api(key.secret, urlB).get("/api/workspace").expect(200)).body.role).toBe("owner");
    await api(owner).patch(`/api/workspace/members/${second.id}`, { role: "member" }).expect(200);
    await waitFor(async () => (await api(key.secret, urlB).get("/api/workspace")).body.role === "member", {
      ...AT_ONCE,
      what: "the lowered role on instance B",
    });
    expect(await auditOf("member.role_changed", second.id)).toEqual([expect.objectContaining({ details: { from: "owner", to: "member", keysLowered: 1 } })]);
  });
});

describe("keys", () => {
  it("are created with their secret once, listed without it, and work", async () => {
    const member = await addMember("member");
    const created = await createKey({ name: "ci", role: "member", memberId: member.id });
    expect(created.secret).toMatch(/^mix_/);
    expect(created.key).toEqual({
      id: expect.any(String),
      prefix: created.secret.slice(0, 10),
      name: "ci",
      role: "member",
      status: "active",
      member: { id: member.id, name: expect.any(String), email: member.email },
      createdAt: expect.any(String),
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    });
    await api(created.secret).post("/api/sessions", { title: "made by a member key" }).expect(201);
    const listed = await api(admin.secret).get("/api/workspace/keys").expect(200);
    expect(listed.body.keys).toContainEqual(expect.objectContaining({ id: created.key.id, name: "ci" }));
    const text = JSON.stringify(listed.body);
    expect(text).not.toContain(created.secret);
    expect(text).not.toContain(hashApiKey(created.secret));
    expect(Object.keys(listed.body.keys[0]).sort()).toEqual([
      "createdAt",
      "expiresAt",
      "id",
      "lastUsedAt",
      "member",
      "name",
      "prefix",
      "revokedAt",
      "role",
      "status",
    ]);
    // Its use is recorded, to the minute, without a write per request.
    const lastUsed = await waitFor(async () => (await infra.prisma.apiKey.findUniqueOrThrow({ where: { id: created.key.id } })).lastUsedAt ?? undefined, {
      what: "lastUsedAt",
    });
    await api(created.secret).get("/api/sessions").expect(200);
    expect((await infra.prisma.apiKey.findUniqueOrThrow({ where: { id: created.key.id } })).lastUsedAt).toEqual(lastUsed);
    expect(await auditOf("key.created", created.key.id)).toEqual([
      expect.objectContaining({ actorKeyId: await keyIdOf(owner), details: expect.objectContaining({ name: "ci", role: "member", memberId: member.id }) }),
    ]);
  });

  it("of a service have no member", async () => {
    const { key } = await createKey({ name: "nightly export", role: "read_only" }, admin.secret);
    expect(key).toMatchObject({ name: "nightly export", role: "read_only", member: null });
  });

  it("once revoked are refused by a second instance within a second, and revoking again changes nothing", async () => {
    const { key, secret } = await createKey({ name: "to revoke", role: "member" });
    await api(secret, urlA).get("/api/sessions").expect(200);
    await api(secret, urlB).get("/api/sessions").expect(200);
    const revoked = await api(admin.secret, urlA).delete(`/api/workspace/keys/${key.id}`).expect(200);
    expect(revoked.body).toMatchObject({ id: key.id, status: "revoked", revokedAt: expect.any(String) });
    await waitFor(async () => (await api(secret, urlB).get("/api/sessions")).status === 401, { ...AT_ONCE, what: "401 on instance B" });
    expect((await api(secret, urlA).get("/api/sessions")).status).toBe(401);
    expect((await api(admin.secret).delete(`/api/workspace/keys/${key.id}`).expect(200)).body.revokedAt).toBe(revoked.body.revokedAt);
    expect(await auditOf("key.revoked", key.id)).toEqual([
      expect.objectContaining({ actorKeyId: admin.id, details: expect.objectContaining({ name: "to revoke" }) }),
    ]);
  });

  it("of a removed member are revoked with it, on every instance at once, each in the audit log", async () => {
    const member = await addMember("member");
    const one = await createKey({ name: "one", role: "member", memberId: member.id });
    const two = await createKey({ name: "two", role: "read_only", memberId: member.id });
    const sessionId = await createSession(urlB, one.secret);
    const stream = await openStream(urlB, two.secret, sessionId);
    try {
      await api(one.secret, urlB).get("/api/sessions").expect(200);
      await api(owner).delete(`/api/workspace/members/${member.id}`).expect(200);
      await waitFor(async () => (await api(one.secret, urlB).get("/api/sessions")).status === 401, { ...AT_ONCE, what: "key one refused on B" });
      await waitFor(() => stream.ended, { ...AT_ONCE, what: "key two's stream on B to be cut" });
      expect((await api(two.secret, urlB).get("/api/sessions")).status).toBe(401);
    } finally {
      stream.close();
    }
    expect(await auditOf("member.removed", member.id)).toEqual([expect.objectContaining({ details: expect.objectContaining({ keysRevoked: 2 }) })]);
    for (const { key } of [one, two])
      expect(await auditOf("key.revoked", key.id)).toEqual([expect.objectContaining({ details: expect.objectContaining({ reason: "member_removed" }) })]);
  });

  it("expire: refused from their expiry on, shown expired, recorded once", async () => {
    const { key, secret } = await createKey({ name: "short-lived", role: "member", expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(key.status).toBe("active");
    // Its hour is over (set in Postgres before any instance has seen the key, so none caches it).
    await infra.prisma.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expectError(await api(secret, urlA).get("/api/sessions"), 401, /Invalid API key/);
    expectError(await api(secret, urlB).get("/api/sessions"), 401, /Invalid API key/);
    const listed = (await api(owner).get("/api/workspace/keys").expect(200)).body.keys as { id: string; status: string }[];
    expect(listed.find((entry) => entry.id === key.id)).toMatchObject({ status: "expired" });
    await api(owner).get("/api/workspace/keys").expect(200);
    expect(await auditOf("key.expired", key.id)).toEqual([
      expect.objectContaining({ actorKeyId: null, actorMemberId: null, details: expect.objectContaining({ name: "short-lived" }) }),
    ]);
    // Listed first, then refused: recorded once as well.
    const listedFirst = await createKey({ name: "listed first", role: "read_only", expiresAt: "2999-01-01" });
    await infra.prisma.apiKey.update({ where: { id: listedFirst.key.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    await api(owner).get("/api/workspace/keys").expect(200);
    await api(listedFirst.secret).get("/api/sessions").expect(401);
    expect(await auditOf("key.expired", listedFirst.key.id)).toHaveLength(1);
  });

  it("refuse bad input with 400, and unknown or another workspace's keys with 404", async () => {
    const post = (body: object) => api(owner).post("/api/workspace/keys", body);
    expectError(await post({ name: "past", role: "member", expiresAt: "2020-01-01T00:00:00Z" }), 400, /in the future/);
    expectError(await post({ name: "garbage", role: "member", expiresAt: "next tuesday" }), 400, /ISO 8601/);
    expectError(await post({ name: "no zone", role: "member", expiresAt: "2999-01-01T10:00:00" }), 400, /ISO 8601/);
    expectError(await post({ name: "bad role", role: "root" }), 400, /role must be one of/);
    expectError(await post({ role: "member" }), 400, /name/);
    expectError(await post({ name: " ", role: "member" }), 400, /name is required/);
    expectError(await post({ name: "y".repeat(10_000), role: "member" }), 400, /at most 200/);
    expectError(await post({ name: "nul\u0000", role: "member" }), 400, /NUL/);
    expectError(await post({ name: "extra", role: "member", keyHash: "x" }), 400, /keyHash/);
    const theirs = await api(stack.otherKey).post("/api/workspace/keys", { name: "theirs", role: "member" }).expect(201);
    for (const id of ["no-such-key", theirs.body.key.id as string]) {
      expectError(await api(owner).get(`/api/workspace/keys/${id}`), 404, /API key not found/);
      expectError(await api(owner).delete(`/api/workspace/keys/${id}`), 404, /API key not found/);
    }
    expectError(await api(owner).delete("/api/workspace/keys/nul%00"), 400, /NUL/);
    await api(theirs.body.secret as string)
      .get("/api/sessions")
      .expect(200);
  });
});

describe("a read-only key", () => {
  it("reads sessions, messages, files and streams, and gets 403 for sending, cancelling, granting, deleting and settings", async () => {
    const { secret: reader } = await createKey({ name: "auditor", role: "read_only" });
    const sessionId = await createSession(urlA, owner);
    await upload(urlA, owner, sessionId, "notes.txt", Buffer.from("hello")).expect(201);
    const reads: [string, request.Test][] = [
      ["list sessions", api(reader).get("/api/sessions")],
      ["get a session", api(reader).get(`/api/sessions/${sessionId}`)],
      ["read messages", api(reader).get(`/api/sessions/${sessionId}/messages`)],
      ["list files", api(reader).get(`/api/sessions/${sessionId}/files`)],
      ["download a file", api(reader).get(`/api/sessions/${sessionId}/files/notes.txt`)],
      ["export", api(reader).get(`/api/sessions/${sessionId}/export`)],
      ["read preferences", api(reader).get("/api/preferences")],
    ];
    for (const [what, call] of reads) expect({ what, status: (await call).status }).toEqual({ what, status: 200 });
    const stream = await openStream(urlA, reader, sessionId);
    stream.close();

    const writes: [string, request.Test][] = [
      ["send", api(reader).post(`/api/sessions/${sessionId}/messages`, { text: "hi" })],
      ["send on the stream route", api(reader).post(`/stream/${sessionId}/message`, { text: "hi" })],
      ["chat", api(reader).post("/api/chat", { message: "hi" })],
      ["create a session", api(reader).post("/api/sessions", { title: "new" })],
      ["cancel", api(reader).post(`/api/sessions/${sessionId}/cancel`)],
      ["grant", api(reader).post("/api/permissions/any-request/grant")],
      ["deny", api(reader).post("/api/permissions/any-request/deny")],
      ["delete a session", api(reader).delete(`/api/sessions/${sessionId}`)],
      ["delete a file", api(reader).delete(`/api/sessions/${sessionId}/files/notes.txt`)],
      ["fork", api(reader).post(`/api/sessions/${sessionId}/fork`, { messageIndex: 0 })],
      ["change preferences", api(reader).post("/api/preferences", { main_agent_max_tokens: 1000 })],
      ["change the sandbox", request(urlA).put("/api/sandbox").set(bearer(reader)).send({ network: "egress" })],
      [
        "change the permission policy",
        request(urlA)
          .put("/api/permissions/policy")
          .set(bearer(reader))
          .send({ tools: ["Bash"] }),
      ],
      ["store a provider key", api(reader).post("/api/auth/api-key", { provider: "openai", api_key: "sk-test-1234" })],
      ["list keys", api(reader).get("/api/workspace/keys")],
      ["add a member", api(reader).post("/api/workspace/members", { name: "Me", email: nextEmail() })],
    ];
    for (const [what, call] of writes) {
      const response = await call;
      expect({ what, status: response.status }).toEqual({ what, status: 403 });
      expect(response.body.error).toEqual({
        code: 403,
        type: "unauthorized",
        reason: "forbidden",
        message: expect.stringMatching(/needs the (member|admin) role/),
      });
    }
    // Nothing was done: the session and its file are still there.
    await api(owner).get(`/api/sessions/${sessionId}/files/notes.txt`).expect(200);
  });
});
