/** The sessions resource: create, list, get, delete, and every kind of bad input. */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "sessions", workers: 0, env: { BODY_LIMIT_BYTES: "262144" } });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const post = (path: string) => request(url).post(path).set(bearer(stack.key));
const validation = (message: string | RegExp) => ({
  error: { code: 400, type: "validation_error", reason: "validation_failed", message: typeof message === "string" ? message : expect.stringMatching(message) },
});

describe("POST /api/sessions", () => {
  it("creates a session in the contract's shape", async () => {
    const response = await post("/api/sessions")
      .send({ title: "  Research  ", customSystemPrompt: "You know $<domain>.", promptMode: "append", sessionType: "main", subagentType: "" })
      .expect(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      title: "Research",
      sessionType: "main",
      userMessageCount: 0,
      assistantMessageCount: 0,
      toolCallCount: 0,
      promptTokens: 0,
      completionTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      cost: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      browserMode: "local-browser-service",
    });
  });

  it("ignores a top-level field it does not know, naming it in X-Mix-Ignored-Fields", async () => {
    const response = await post("/api/sessions").send({ title: "x", surprise: true }).expect(201);
    expect(response.body).not.toHaveProperty("surprise");
    expect(response.headers["x-mix-ignored-fields"]).toBe("surprise");
  });

  it("keeps valid callbacks and returns them", async () => {
    const callbacks = [{ type: "bash_script", toolName: "*", bashCommand: "echo done", name: "Log" }];
    const response = await post("/api/sessions").send({ title: "with callbacks", callbacks }).expect(201);
    expect(response.body.callbacks).toEqual(callbacks);
  });

  it.each([
    [{}, "title is required"],
    [{ title: "" }, "title is required"],
    [{ title: "   " }, "title is required"],
    [{ title: 42 }, "title must be a string"],
    [{ title: "x".repeat(1_001) }, "title must be at most 1000 characters"],
    [{ title: "x", promptMode: "bogus" }, "promptMode must be 'default', 'append', or 'replace'"],
    [{ title: "x", sessionType: "subagent" }, /API can only create main sessions/],
    [{ title: "x", subagentType: "general-purpose" }, /subagentType cannot be set/],
    [{ title: "x", callbacks: [{ type: "bash_script", toolName: "*" }] }, /bashCommand is required/],
    [{ title: "x", callbacks: [{ type: "send_message", toolName: "*", messageContent: "m", excludeFromContext: true }] }, /excludeFromContext is not allowed/],
    [{ title: "x", callbacks: "nope" }, /callbacks/],
  ])("refuses %j with 400", async (body, message) => {
    const response = await post("/api/sessions").send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
  });

  it("enforces the prompt size limits per mode, in UTF-8 bytes", async () => {
    const kb = (n: number) => "é".repeat((n * 1024) / 2); // two bytes per character
    await post("/api/sessions")
      .send({ title: "x", promptMode: "append", customSystemPrompt: kb(50) })
      .expect(201);
    const append = await post("/api/sessions").send({ title: "x", promptMode: "append", customSystemPrompt: `${kb(50)}a` });
    expect(append.body).toEqual(validation("Custom prompt size (51KB) exceeds append mode limit of 50KB"));
    await post("/api/sessions")
      .send({ title: "x", promptMode: "replace", customSystemPrompt: kb(100) })
      .expect(201);
    const replace = await post("/api/sessions").send({ title: "x", promptMode: "replace", customSystemPrompt: `${kb(100)}a` });
    expect(replace.body).toEqual(validation("Custom prompt size (101KB) exceeds replace mode limit of 100KB"));
  });

  it("answers malformed JSON with 400 and an oversized body with 413", async () => {
    const malformed = await post("/api/sessions").set("Content-Type", "application/json").send('{"title": "x",');
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 400, type: "bad_request", reason: "invalid_request", message: expect.stringMatching(/^Malformed JSON/) } });
    const huge = await post("/api/sessions").send({ title: "x".repeat(300_000) });
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ error: { code: 413, type: "validation_error", reason: "too_large", message: expect.stringContaining("262144") } });
    const notJson = await post("/api/sessions").set("Content-Type", "text/plain").send("title=x");
    expect(notJson.body).toEqual(validation(/Content-Type: application\/json/));
    const array = await post("/api/sessions").send([{ title: "x" }]);
    expect(array.body).toEqual(validation("request body must be a JSON object"));
  });
});

describe("GET /api/sessions and /api/sessions/{id}", () => {
  it("lists newest first with real counts, and 404s an unknown id", async () => {
    const older = await createSession(url, stack.key, { title: "older" });
    const newer = await createSession(url, stack.key, { title: "newer" });
    const list = await request(url).get("/api/sessions").set(bearer(stack.key)).expect(200);
    const order = list.body.map((session: { id: string }) => session.id);
    expect(order.indexOf(newer)).toBeLessThan(order.indexOf(older));
    await request(url).get("/api/sessions?includeSubagents=true").set(bearer(stack.key)).expect(200);
    const bad = await request(url).get("/api/sessions?includeSubagents=maybe").set(bearer(stack.key));
    expect(bad.body).toEqual(validation("includeSubagents must be true or false"));
    const missing = await request(url).get("/api/sessions/00000000-0000-0000-0000-000000000000").set(bearer(stack.key));
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: { code: 404, type: "not_found", reason: "not_found", message: "Session not found" } });
  });
});

describe("POST /api/sessions/{id}/messages", () => {
  it.each([
    [{}, "text is required"],
    [{ text: "" }, "text must not be empty"],
    [{ text: "  \n" }, "text must not be empty"],
    [{ text: 7 }, "text must be a string"],
    [{ text: "x", thinking_level: "extreme" }, /thinking_level/],
    [{ text: "x", plan_mode: "yes" }, /plan_mode/],
    [{ text: "x", extra: 1 }, "unknown field(s): extra"],
  ])("refuses %j with 400", async (body, message) => {
    const sessionId = await createSession(url, stack.key);
    const response = await post(`/api/sessions/${sessionId}/messages`).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
  });

  it("refuses an unknown session with 404 and a bad Idempotency-Key with 400", async () => {
    const missing = await post("/api/sessions/nope/messages").send({ text: "hi" });
    expect(missing.status).toBe(404);
    const sessionId = await createSession(url, stack.key);
    const badKey = await post(`/api/sessions/${sessionId}/messages`).set("Idempotency-Key", "k".repeat(201)).send({ text: "hi" });
    expect(badKey.body).toEqual(validation(/Idempotency-Key/));
  });
});

describe("DELETE /api/sessions/{id}", () => {
  it("refuses while a run is pending (409), then deletes everything (204) once it is not", async () => {
    // No worker runs in this file: the run stays queued until cancelled by hand below.
    const sessionId = await createSession(url, stack.key);
    await sendMessage(url, stack.key, sessionId, "pending");
    const busy = await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key));
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/cancel/);
    const { prisma, events } = stack.apis[0]!.api.infrastructure;
    await prisma.run.updateMany({ where: { sessionId }, data: { status: "cancelled" } });
    await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(204);
    await request(url).get(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(404);
    expect(await prisma.message.count({ where: { sessionId } })).toBe(0);
    await waitFor(async () => (await events.readAfter(sessionId, 0)).length === 0, { what: "the event log to be deleted" });
    await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(404);
  });
});
