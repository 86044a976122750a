/**
 * A revoked key or a deleted workspace is dead on every API instance at once (well inside the
 * keys' 30 s cache), open streams included, and a write of a workspace deleted while its
 * request ran answers 401 instead of a foreign-key 500. The operations have no HTTP route yet:
 * the tests call ApiKeyService.revokeKey and deleteWorkspace directly.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { hashApiKey, generateApiKey, type ApplicationServices, type Infrastructure } from "@mix/core";
import { SseClient, waitFor } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

/** Far inside the cache's 30 s: what "at once" has to mean across instances. */
const AT_ONCE = { timeoutMs: 1_000, intervalMs: 10 };

let stack: TestStack;
let urlA: string;
let urlB: string;
let services: ApplicationServices;
let infrastructure: Infrastructure;

beforeAll(async () => {
  stack = await startTestStack({ label: "key-revocation", apiInstances: 2, workers: 0, env: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("hex") } });
  [urlA, urlB] = stack.apis.map((api) => api.url) as [string, string];
  services = stack.apis[0]!.api.services;
  infrastructure = stack.apis[0]!.api.infrastructure;
});
afterAll(() => stack?.close());

async function newWorkspace(name: string) {
  const { apiKey, workspaceId } = await services.apiKeys.createWorkspace(`revocation-${name}`);
  const principal = (await services.apiKeys.authenticate(apiKey))!;
  return { key: apiKey, workspaceId, apiKeyId: principal.apiKeyId };
}

const status = async (url: string, key: string) => (await request(url).get("/api/sessions").set(bearer(key))).status;
/** Both instances have seen the key, so each holds it in its cache. */
const warm = async (key: string) => {
  expect(await status(urlA, key)).toBe(200);
  expect(await status(urlB, key)).toBe(200);
};
const refusedOn = (url: string, key: string) => waitFor(async () => (await status(url, key)) === 401, { ...AT_ONCE, what: `401 on ${url}` });
const otherWorkspaceIntact = async () => {
  expect(await status(urlA, stack.otherKey)).toBe(200);
  expect(await status(urlB, stack.otherKey)).toBe(200);
};

describe("revoking a key", () => {
  it("is refused at once by every instance, though each had it cached", async () => {
    const { key, apiKeyId } = await newWorkspace("revoke");
    await warm(key);
    // The cache is real: a revocation nobody announces goes unnoticed while it lasts.
    await infrastructure.prisma.apiKey.update({ where: { id: apiKeyId }, data: { revokedAt: new Date() } });
    expect(await status(urlB, key)).toBe(200);

    await stack.apis[1]!.api.services.apiKeys.revokeKey(apiKeyId);
    expect(await status(urlB, key)).toBe(401);
    await refusedOn(urlA, key);
    const refused = await request(urlA).post("/api/sessions").set(bearer(key)).send({ title: "after revocation" });
    expect(refused.status).toBe(401);
    expect(refused.body).toEqual({ error: expect.objectContaining({ code: 401, type: "unauthorized", message: "Invalid API key" }) });
    await request(urlA).get("/health").expect(200);
    await otherWorkspaceIntact();
  });

  it("leaves the workspace's other keys working", async () => {
    const { key, workspaceId, apiKeyId } = await newWorkspace("two-keys");
    const second = generateApiKey();
    await infrastructure.prisma.apiKey.create({ data: { workspaceId, name: "second", keyHash: hashApiKey(second), keyPrefix: second.slice(0, 10) } });
    await warm(key);
    await warm(second);
    await services.apiKeys.revokeKey(apiKeyId);
    await refusedOn(urlB, key);
    expect(await status(urlA, second)).toBe(200);
    expect(await status(urlB, second)).toBe(200);
  });

  it("cuts the key's open SSE stream on another instance, and a reconnect is a 401", async () => {
    const { key, apiKeyId } = await newWorkspace("stream");
    const sessionId = await createSession(urlB, key);
    const stream = await openStream(urlB, key, sessionId);
    try {
      await services.apiKeys.revokeKey(apiKeyId);
      await waitFor(() => stream.ended, { ...AT_ONCE, what: "the stream to be cut" });
      const again = await SseClient.connect(`${urlB}/stream?sessionId=${sessionId}`, { headers: bearer(key) });
      try {
        expect(again.status).toBe(401);
      } finally {
        again.close();
      }
    } finally {
      stream.close();
    }
  });
});

describe("deleting a workspace", () => {
  it("kills its keys on every instance at once, and deletes only its data", async () => {
    const { key, workspaceId } = await newWorkspace("delete");
    await createSession(urlA, key, { title: "goes with the workspace" });
    await warm(key);
    const othersBefore = await infrastructure.prisma.session.count({ where: { workspaceId: { not: workspaceId } } });

    await stack.apis[0]!.api.services.apiKeys.deleteWorkspace(workspaceId);
    await refusedOn(urlB, key);
    expect(await status(urlA, key)).toBe(401);
    expect((await request(urlB).post("/api/sessions").set(bearer(key)).send({ title: "too late" })).status).toBe(401);
    expect(await infrastructure.prisma.session.count({ where: { workspaceId } })).toBe(0);
    expect(await infrastructure.prisma.session.count({ where: { workspaceId: { not: workspaceId } } })).toBe(othersBefore);
    await request(urlB).get("/health").expect(200);
    await otherWorkspaceIntact();
    // Deleting it again is harmless.
    await services.apiKeys.deleteWorkspace(workspaceId);
  });

  it("answers 401, not 500, to writes of a request authenticated before the deletion", async () => {
    const { key, workspaceId } = await newWorkspace("mid-request");
    const sessionId = await createSession(urlA, key);
    await warm(key);
    // Deleted behind the services' back: the instances still hold the key, exactly as a request
    // that authenticated just before a deletion holds its principal.
    await infrastructure.prisma.workspace.delete({ where: { id: workspaceId } });

    const writes = [
      request(urlA).post("/api/sessions").send({ title: "orphan" }),
      request(urlA).post("/api/preferences").send({ main_agent_max_tokens: 1000 }),
      request(urlA).put("/api/sandbox").send({ network: "egress" }),
      request(urlA)
        .put("/api/permissions/policy")
        .send({ tools: ["Bash"] }),
      request(urlA).post("/api/auth/api-key").send({ provider: "openai", api_key: "sk-test-1234" }),
      request(urlA).post("/api/chat").send({ message: "hello" }),
    ];
    const answers = await Promise.all(writes.map(async (write) => (await write.set(bearer(key))).body as unknown));
    for (const body of answers)
      expect(body).toEqual({ error: expect.objectContaining({ code: 401, type: "unauthorized", message: expect.stringContaining("no longer exists") }) });
    // The session went with the workspace: sending to it is a plain 404.
    expect((await request(urlA).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hi" })).status).toBe(404);

    expect(await infrastructure.prisma.workspace.count({ where: { id: workspaceId } })).toBe(0);
    expect(await infrastructure.prisma.session.count({ where: { workspaceId } })).toBe(0);
    expect(await infrastructure.prisma.workspacePreferences.count({ where: { workspaceId } })).toBe(0);
    expect(await infrastructure.prisma.providerCredential.count({ where: { workspaceId } })).toBe(0);
    await request(urlA).get("/health").expect(200);
    await otherWorkspaceIntact();
  });
});
