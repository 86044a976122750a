/**
 * The caps, each a setting with its answer: MESSAGE_MAX_CHARS (400 naming the limit, nothing
 * stored, on every send route), MAX_SESSIONS_PER_WORKSPACE or the plan's maxSessions (403 with
 * reason quota_exceeded for a create, a fork or a chat's new conversation; subagent sessions do
 * not count; concurrent creates never pass the cap). The open-streams cap per key is
 * stream-limits.e2e-spec.ts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { postChat } from "./helpers/chat-client";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const MAX_CHARS = 50;
const MAX_SESSIONS = 3;

let stack: TestStack;
let url: string;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "mix-caps-"));
  await writeFile(path.join(dir, "plans.json"), JSON.stringify({ solo: { title: "Solo", models: "*", maxSessions: 1 } }));
  stack = await startTestStack({
    label: "caps",
    workers: 0,
    env: { STORAGE_DIR: dir, PLANS_FILE: path.join(dir, "plans.json"), MESSAGE_MAX_CHARS: String(MAX_CHARS), MAX_SESSIONS_PER_WORKSPACE: String(MAX_SESSIONS) },
  });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(dir, { recursive: true, force: true });
});

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

async function newWorkspace(name: string, plan?: string): Promise<{ workspaceId: string; key: string }> {
  const { workspaceId, apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace(name);
  if (plan) await prisma().workspace.update({ where: { id: workspaceId }, data: { plan } });
  return { workspaceId, key: apiKey };
}

const create = (key: string, title = "capped") => request(url).post("/api/sessions").set(bearer(key)).send({ title });
const fork = (key: string, sessionId: string) => request(url).post(`/api/sessions/${sessionId}/fork`).set(bearer(key)).send({ messageIndex: 0 });
const quotaBody = (cap: number) => ({
  error: {
    code: 403,
    type: "unauthorized",
    reason: "quota_exceeded",
    message: `Session limit reached: this workspace may hold at most ${cap} session${cap === 1 ? "" : "s"}; delete one to create another`,
  },
});

describe("MESSAGE_MAX_CHARS", () => {
  const tooLong = "x".repeat(MAX_CHARS + 1);
  const tooLongBody = {
    error: {
      code: 400,
      type: "validation_error",
      reason: "validation_failed",
      message: `Message text is too long: ${MAX_CHARS + 1} characters, at most ${MAX_CHARS} are accepted`,
    },
  };

  it("accepts a text of the limit and refuses one character more with 400 on every send route, storing nothing", async () => {
    const { workspaceId, key } = await newWorkspace("long texts");
    const sessionId = (await create(key).expect(201)).body.id as string;
    await request(url)
      .post(`/api/sessions/${sessionId}/messages`)
      .set(bearer(key))
      .send({ text: "y".repeat(MAX_CHARS) })
      .expect(202);

    const viaSessions = await request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: tooLong });
    const viaStream = await request(url).post(`/stream/${sessionId}/message`).set(bearer(key)).send({ content: tooLong });
    for (const refused of [viaSessions, viaStream]) expect([refused.status, refused.body]).toEqual([400, tooLongBody]);
    // Chat refuses before it starts a conversation: no session is left behind.
    const chat = await postChat(url, key, { message: tooLong });
    expect([chat.status, JSON.parse(chat.text)]).toEqual([400, tooLongBody]);

    expect(await prisma().message.count({ where: { session: { workspaceId } } })).toBe(1);
    expect(await prisma().session.count({ where: { workspaceId } })).toBe(1);
  });
});

describe("MAX_SESSIONS_PER_WORKSPACE and the plan's maxSessions", () => {
  it("refuses a session over the cap with 403 quota_exceeded, forks and chats included, until one is deleted", async () => {
    const { workspaceId, key } = await newWorkspace("capped");
    const ids: string[] = [];
    for (let i = 0; i < MAX_SESSIONS; i++) ids.push((await create(key).expect(201)).body.id as string);
    await request(url).post(`/api/sessions/${ids[0]}/messages`).set(bearer(key)).send({ text: "to fork" }).expect(202);

    const refusals = [await create(key), await fork(key, ids[0]!)];
    for (const refused of refusals) expect([refused.status, refused.body]).toEqual([403, quotaBody(MAX_SESSIONS)]);
    const chat = await postChat(url, key, { message: "a new conversation" });
    expect([chat.status, JSON.parse(chat.text)]).toEqual([403, quotaBody(MAX_SESSIONS)]);
    expect(await prisma().session.count({ where: { workspaceId } })).toBe(MAX_SESSIONS);
    // Another workspace is not held back.
    await create(stack.otherKey).expect(201);

    await request(url).delete(`/api/sessions/${ids[1]}`).set(bearer(key)).expect(204);
    expect((await fork(key, ids[0]!)).status).toBe(201);
    expect((await create(key)).status).toBe(403);
  });

  it("does not count subagent sessions: the agent starts them inside runs already let in", async () => {
    const { workspaceId, key } = await newWorkspace("with subagents");
    const parent = (await create(key).expect(201)).body.id as string;
    await prisma().session.createMany({
      data: [1, 2, 3].map((i) => ({ workspaceId, title: `subagent ${i}`, sessionType: "subagent" as const, parentSessionId: parent })),
    });
    for (let i = 1; i < MAX_SESSIONS; i++) await create(key).expect(201);
    expect((await create(key)).status).toBe(403);
  });

  it("lets no more than the cap through when creates and forks race for the last slots", async () => {
    const { workspaceId, key } = await newWorkspace("racing");
    const source = (await create(key).expect(201)).body.id as string;
    await request(url).post(`/api/sessions/${source}/messages`).set(bearer(key)).send({ text: "to fork" }).expect(202);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? fork(key, source) : create(key))));
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 403, 403, 403, 403, 403, 403]);
    expect(await prisma().session.count({ where: { workspaceId } })).toBe(MAX_SESSIONS);
  });

  it("takes the plan's maxSessions over the deployment's setting", async () => {
    const { key } = await newWorkspace("solo", "solo");
    await create(key).expect(201);
    const refused = await create(key);
    expect([refused.status, refused.body]).toEqual([403, quotaBody(1)]);
  });
});
