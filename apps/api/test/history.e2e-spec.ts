/** `GET /api/messages/history`: every session of the workspace, newest first, paged, isolated. */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "history", workers: 1 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

type Listed = { id: string; sessionId: string; role: string; userInput: string; assistantResponse?: string };
const history = async (query = "", key = stack.key) => (await request(url).get(`/api/messages/history${query}`).set(bearer(key)).expect(200)).body as Listed[];
const messagesOf = async (sessionId: string, key = stack.key) =>
  (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(key)).expect(200)).body as Listed[];

/** Sends a message on the scripted model and waits until its answer is stored. */
async function exchange(sessionId: string, text: string, key = stack.key): Promise<void> {
  const before = (await messagesOf(sessionId, key)).length;
  await sendMessage(url, key, sessionId, text);
  await waitFor(async () => (await messagesOf(sessionId, key)).length === before + 2, { timeoutMs: 15_000, what: `the answer to "${text}"` });
}

describe("across sessions", () => {
  let chronological: string[];
  let foreignIds: string[];

  beforeAll(async () => {
    const first = await createSession(url, stack.key, { title: "first" });
    const second = await createSession(url, stack.key, { title: "second" });
    await exchange(first, "one");
    await exchange(second, "two");
    await exchange(first, "three");
    const foreign = await createSession(url, stack.otherKey, { title: "elsewhere" });
    await exchange(foreign, "not yours", stack.otherKey);
    const [a, b] = [await messagesOf(first), await messagesOf(second)];
    chronological = [a[0]!, a[1]!, b[0]!, b[1]!, a[2]!, a[3]!].map((message) => message.id);
    foreignIds = (await messagesOf(foreign, stack.otherKey)).map((message) => message.id);
  });

  it("lists the workspace's messages newest first, in the BackendMessage shape", async () => {
    const listed = await history();
    expect(listed.map((message) => message.id)).toEqual([...chronological].reverse());
    expect(listed[0]).toMatchObject({ role: "assistant", userInput: "", assistantResponse: expect.stringContaining("three") });
    expect(listed[1]).toEqual({ id: chronological[4], sessionId: expect.any(String), role: "user", userInput: "three" });
  });

  it("pages with limit and offset", async () => {
    const newestFirst = [...chronological].reverse();
    expect((await history("?limit=2")).map((message) => message.id)).toEqual(newestFirst.slice(0, 2));
    expect((await history("?limit=2&offset=2")).map((message) => message.id)).toEqual(newestFirst.slice(2, 4));
    expect((await history("?offset=5")).map((message) => message.id)).toEqual(newestFirst.slice(5));
    expect(await history("?offset=100")).toEqual([]);
    // Limits below 1 are raised to 1.
    expect(await history("?limit=0")).toHaveLength(1);
    expect(await history("?limit=-7")).toHaveLength(1);
  });

  it("never shows another workspace's messages", async () => {
    const ours = (await history("?limit=1000")).map((message) => message.id);
    const theirs = (await history("?limit=1000", stack.otherKey)).map((message) => message.id);
    expect(theirs).toEqual([...foreignIds].reverse());
    expect(ours.filter((id) => theirs.includes(id))).toEqual([]);
  });
});

describe("limits", () => {
  let key: string;

  beforeAll(async () => {
    // A workspace of its own holding 1,005 messages, stored directly to keep the test fast.
    const { services, infrastructure } = stack.apis[0]!.api;
    key = (await services.apiKeys.createWorkspace("history-bulk")).apiKey;
    const sessionId = await createSession(url, key, { title: "bulk" });
    const base = Date.now() - 1_000_000;
    const rows = Array.from({ length: 1_005 }, (_, i) => ({ sessionId, turn: i + 1, role: "user" as const, createdAt: new Date(base + i * 1_000) }));
    await infrastructure.prisma.message.createMany({ data: rows });
  });

  it("defaults to 50 and clamps a limit above 1000 to 1000", async () => {
    expect(await history("", key)).toHaveLength(50);
    expect(await history("?limit=5000", key)).toHaveLength(1_000);
    expect(await history("?limit=1000&offset=1000", key)).toHaveLength(5);
  });

  it.each([
    ["?limit=abc", "limit must be an integer"],
    ["?limit=1.5", "limit must be an integer"],
    ["?limit=", "limit must be an integer"],
    ["?offset=-1", "offset must be a non-negative integer"],
    ["?offset=abc", "offset must be a non-negative integer"],
    ["?offset=99999999999", "offset must be at most 2147483647"],
    ["?limit=1&limit=2", "limit must be an integer"],
  ])("refuses %s with 400", async (query, message) => {
    const response = await request(url).get(`/api/messages/history${query}`).set(bearer(key));
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 400, type: "validation_error", reason: "validation_failed", message } });
  });

  it("needs a key", async () => {
    expect((await request(url).get("/api/messages/history")).status).toBe(401);
  });
});
