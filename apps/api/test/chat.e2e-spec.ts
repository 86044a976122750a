/** The chat surface: the model list, a streamed chat reply that is a session run, and the rate limit. */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { postChat } from "./helpers/chat-client";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  // A small limit to test; every other test uses keys of its own so it never meets the limit.
  stack = await startTestStack({ label: "chat", apiInstances: 2, env: { RATE_LIMIT_PER_MINUTE: "3", SCRIPTED_DELAY_MS: "5" } });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

/** A new workspace's key: its own rate-limit count. */
const freshKey = async () => (await stack.apis[0]!.api.services.apiKeys.createWorkspace("chat-test")).apiKey;

const chat = (key: string, body: unknown, base = url, onChunk?: Parameters<typeof postChat>[3]) => postChat(base, key, body, onChunk);

const messagesOf = async (key: string, sessionId: string) =>
  (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(key)).expect(200)).body as Array<Record<string, string>>;

const errorBody = (code: number, type: string, reason: string, message: string | RegExp) => ({
  error: { code, type, reason, message: typeof message === "string" ? message : expect.stringMatching(message) },
});

describe("GET /api/ai/models", () => {
  it("lists Auto first, then the scripted model", async () => {
    const response = await request(url).get("/api/ai/models").set(bearer(stack.key)).expect(200);
    expect(response.body).toEqual({
      models: [
        { id: "ml-auto", name: "Auto", task: "Automatic model selection", requiresPaid: false },
        { id: "scripted-1", name: "Scripted", task: "Text generation", requiresPaid: false },
      ],
    });
  });

  it("needs an API key", async () => {
    await request(url).get("/api/ai/models").expect(401);
  });
});

describe("POST /api/chat", () => {
  it("answers without tools: a chat reply never waits on a permission", async () => {
    const key = await freshKey();
    const reply = await chat(key, { message: 'List the files\n@tool Bash {"command":"ls"}' });
    expect(reply.status).toBe(200);
    // The scripted model says so when the tool it was told to call is not offered.
    expect(reply.text).toContain("Bash is not available");
    const conversationId = reply.headers["x-conversation-id"] as string;
    const messages = await messagesOf(key, conversationId);
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(messages[1]).not.toHaveProperty("toolCalls");
  });

  it("streams the reply in several chunks that add up to the session's assistant message", async () => {
    const key = await freshKey();
    const reply = await chat(key, { message: "Summarize our Q3 strategy", model: "ml-auto" });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(reply.headers["transfer-encoding"]).toBe("chunked");
    expect(reply.headers["access-control-expose-headers"]).toContain("X-Conversation-Id");
    expect(reply.chunks.length).toBeGreaterThan(1);
    expect(reply.text).toMatch(/^You said: Summarize our Q3 strategy/);

    const conversationId = reply.headers["x-conversation-id"] as string;
    expect(conversationId).toEqual(expect.any(String));
    const messages = await messagesOf(key, conversationId);
    expect(messages.map((message) => message.role)).toEqual(["user", "assistant"]);
    expect(messages[0]!.userInput).toBe("Summarize our Q3 strategy");
    expect(messages[1]!.assistantResponse).toBe(reply.text);
    const session = await request(url).get(`/api/sessions/${conversationId}`).set(bearer(key)).expect(200);
    expect(session.body.title).toBe("Summarize our Q3 strategy");
  });

  it("continues the conversation named by X-Conversation-Id, on any instance", async () => {
    const key = await freshKey();
    const long = `Plan the launch ${"and then some more words ".repeat(10)}`;
    const first = await chat(key, { message: long });
    const conversationId = first.headers["x-conversation-id"] as string;
    const second = await chat(key, { message: "And the follow-up?", model: "scripted-1", conversationId }, stack.apis[1]!.url);
    expect(second.status).toBe(200);
    expect(second.headers["x-conversation-id"]).toBe(conversationId);
    expect(second.text).toMatch(/^You said: And the follow-up\?/);

    const messages = await messagesOf(key, conversationId);
    expect(messages.filter((message) => message.role === "user").map((message) => message.userInput)).toEqual([long, "And the follow-up?"]);
    expect(messages.filter((message) => message.role === "assistant").map((message) => message.assistantResponse)).toEqual([first.text, second.text]);
    const session = await request(url).get(`/api/sessions/${conversationId}`).set(bearer(key)).expect(200);
    expect(session.body.title.length).toBeLessThanOrEqual(60);
    expect(session.body.title).toMatch(/^Plan the launch and then some/);
  });

  it("answers 404 for an unknown conversation and for another workspace's", async () => {
    const key = await freshKey();
    const unknown = await chat(key, { message: "hello", conversationId: "no-such-session" });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text)).toEqual(errorBody(404, "not_found", "not_found", "Session not found"));

    const foreign = await createSession(url, stack.otherKey, { title: "not yours" });
    const refused = await chat(key, { message: "hello", conversationId: foreign });
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.text)).toEqual(errorBody(404, "not_found", "not_found", "Session not found"));
    expect(await messagesOf(stack.otherKey, foreign)).toEqual([]);
  });

  it("refuses an unknown model with 400 naming the valid ids, and starts nothing", async () => {
    const key = await freshKey();
    const sessionsBefore = await request(url).get("/api/sessions").set(bearer(key)).expect(200);
    const response = await chat(key, { message: "hello", model: "gpt-9" });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual(
      errorBody(400, "validation_error", "validation_failed", "model 'gpt-9' is not available; use one of: ml-auto, scripted-1"),
    );
    const sessionsAfter = await request(url).get("/api/sessions").set(bearer(key)).expect(200);
    expect(sessionsAfter.body).toEqual(sessionsBefore.body);
  });

  it.each([
    ["no message", {}, "message is required"],
    ["an empty message", { message: "" }, "message must not be empty"],
    ["a blank message", { message: "   " }, "message must not be empty"],
    ["a message that is not a string", { message: 42 }, "message must be a string"],
    ["a message over 200000 characters", { message: "x".repeat(200_001) }, "message must be at most 200000 characters"],
    ["a model that is not a string", { message: "hi", model: 7 }, "model must be a string"],
    ["an empty conversationId", { message: "hi", conversationId: "" }, "conversationId must not be empty"],
    ["an unknown field", { message: "hi", stream: true }, "unknown field(s): stream"],
  ])("refuses %s with 400", async (_case, body, message) => {
    const response = await chat(await freshKey(), body);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.text)).toEqual(errorBody(400, "validation_error", "validation_failed", message));
  });

  it("keeps running when the client leaves, and stops following the session", async () => {
    const key = await freshKey();
    const { infrastructure } = stack.apis[0]!.api;
    const partial = await chat(key, { message: "leaving early" }, url, (_chunk, abort) => abort());
    const conversationId = partial.headers["x-conversation-id"] as string;
    // The run completes in the session all the same...
    const assistant = await waitFor(async () => (await messagesOf(key, conversationId)).find((message) => message.role === "assistant"), {
      what: "the assistant message",
    });
    expect(assistant.assistantResponse).toMatch(/^You said: leaving early/);
    // ...and this instance no longer listens to the session.
    await waitFor(() => infrastructure.fanout.channelCount === 0, { what: "the session's subscription to end" });
  });
});

describe("rate limit", () => {
  it("answers the 4th call of a minute with 429 and Retry-After, counting across instances", async () => {
    const key = await freshKey();
    const [a, b] = [stack.apis[0]!.url, stack.apis[1]!.url];
    for (const base of [a, b, a]) expect((await chat(key, { message: "within the limit" }, base)).status).toBe(200);

    const refused = await chat(key, { message: "one too many" }, b);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(JSON.parse(refused.text)).toEqual(
      errorBody(429, "bad_request", "rate_limited", new RegExp(`^Rate limit exceeded: .* retry after ${retryAfter} s$`)),
    );

    // Another key has its own count, and the models list is not rate-limited.
    expect((await chat(await freshKey(), { message: "someone else" }, b)).status).toBe(200);
    await request(a).get("/api/ai/models").set(bearer(key)).expect(200);
  });
});
