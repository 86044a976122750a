/**
 * The model a session runs on (`provider` / `modelId` on create, or a chat's model) and a
 * message's `max_steps`: stored where the worker reads them, and every bad value refused.
 */
import request from "supertest";
import { ContractSchema, describeErrors } from "./contract/contract-schema";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
const contract = new ContractSchema();

beforeAll(async () => {
  // No worker: runs stay queued, so their stored settings can be read as the worker would.
  stack = await startTestStack({ label: "sessionmodels", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const post = (path: string, key = stack.key) => request(url).post(path).set(bearer(key));
const prisma = () => stack.apis[0]!.api.infrastructure.prisma;
const validation = (message: string | RegExp) => ({
  error: { code: 400, type: "validation_error", reason: "validation_failed", message: typeof message === "string" ? message : expect.stringMatching(message) },
});
const storedModel = async (sessionId: string) =>
  prisma().session.findUniqueOrThrow({ where: { id: sessionId }, select: { modelProvider: true, modelId: true } });

describe("POST /api/sessions with a model", () => {
  it.each([
    ["a provider and one of its models", { provider: "anthropic", modelId: "claude-haiku-4-5" }, { provider: "anthropic", modelId: "claude-haiku-4-5" }],
    ["a provider alone (its default model at run time)", { provider: "gemini" }, { provider: "gemini" }],
    [
      "any model of an OpenAI-compatible server",
      { provider: "openai-compatible", modelId: "llama3.1:8b" },
      { provider: "openai-compatible", modelId: "llama3.1:8b" },
    ],
    ["any OpenRouter model", { provider: "openrouter", modelId: "mistralai/mistral-large" }, { provider: "openrouter", modelId: "mistralai/mistral-large" }],
  ])("stores %s and shows it on the session", async (_what, body, shown) => {
    const created = await post("/api/sessions")
      .send({ title: "with a model", ...body })
      .expect(201);
    expect(created.body).toMatchObject(shown);
    if (!("modelId" in shown)) expect(created.body.modelId).toBeUndefined();
    const validate = contract.schema("SessionData");
    expect({ valid: validate(created.body), errors: describeErrors(validate) }).toEqual({ valid: true, errors: "" });

    const fetched = await request(url).get(`/api/sessions/${created.body.id}`).set(bearer(stack.key)).expect(200);
    expect(fetched.body).toMatchObject(shown);
    expect(await storedModel(created.body.id)).toEqual({ modelProvider: shown.provider, modelId: "modelId" in shown ? shown.modelId : null });
  });

  it("shows no model fields on a session created without one", async () => {
    const created = await post("/api/sessions").send({ title: "plain" }).expect(201);
    expect(created.body).not.toHaveProperty("provider");
    expect(created.body).not.toHaveProperty("modelId");
    expect(await storedModel(created.body.id)).toEqual({ modelProvider: null, modelId: null });
  });

  it.each([
    [
      "an unknown provider",
      { provider: "acme" },
      "provider 'acme' is not available; use one of: anthropic, openai, openrouter, gemini, scripted, openai-compatible",
    ],
    ["a tool provider", { provider: "brave", modelId: "x" }, /^provider 'brave' is not available/],
    [
      "another provider's model",
      { provider: "anthropic", modelId: "gpt-5" },
      /^modelId 'gpt-5' is not a model of anthropic; use one of: claude-sonnet-4-5, .*claude-haiku-4-5/,
    ],
    [
      "a model the scripted provider does not run",
      { provider: "scripted", modelId: "claude-sonnet-4-5" },
      "modelId 'claude-sonnet-4-5' is not a model of scripted; use one of: scripted-1",
    ],
    // Mix v0.11.4: a model names its provider, which must own it.
    ["a model alone", { modelId: "gpt-5-mini" }, "provider is required when modelId is set"],
    ["an unknown model alone", { modelId: "gpt-9" }, "provider is required when modelId is set"],
    [
      "a spaced model id for an open provider",
      { provider: "openai-compatible", modelId: "two words" },
      "modelId must be at most 200 characters without spaces",
    ],
    ["a 201-character model id", { provider: "openai-compatible", modelId: "m".repeat(201) }, "modelId must be at most 200 characters"],
    ["an empty model id", { provider: "anthropic", modelId: "" }, "modelId must not be empty"],
    ["a blank model id", { provider: "anthropic", modelId: "   " }, "modelId must not be empty"],
    ["a model id that is a number", { provider: "anthropic", modelId: 5 }, "modelId must be a string"],
    ["a provider that is a list", { provider: ["anthropic"] }, "provider must be a string"],
  ])("refuses %s with 400 and creates nothing", async (_what, body, message) => {
    const before = await prisma().session.count();
    const response = await post("/api/sessions").send({ title: "bad model", ...body });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
    expect(await prisma().session.count()).toBe(before);
  });
});

describe("max_steps on send", () => {
  const runOf = (messageId: string) => prisma().run.findUniqueOrThrow({ where: { id: messageId }, select: { maxSteps: true } });
  const latestRun = async (sessionId: string) =>
    prisma().run.findFirstOrThrow({ where: { sessionId }, orderBy: { message: { turn: "desc" } }, select: { id: true, maxSteps: true } });

  it("stores max_steps on the message's run, and nothing when it is omitted", async () => {
    const sessionId = await createSession(url, stack.key);
    await post(`/api/sessions/${sessionId}/messages`).send({ text: "bounded", max_steps: 5 }).expect(202);
    const bounded = await latestRun(sessionId);
    expect(bounded.maxSteps).toBe(5);

    await post(`/api/sessions/${sessionId}/messages`).send({ text: "edge", max_steps: 1000 }).expect(202);
    expect((await latestRun(sessionId)).maxSteps).toBe(1000);

    await post(`/api/sessions/${sessionId}/messages`).send({ text: "default" }).expect(202);
    const unbounded = await latestRun(sessionId);
    expect(unbounded.id).not.toBe(bounded.id);
    expect((await runOf(unbounded.id)).maxSteps).toBeNull();
  });

  it("goes through POST /stream/{id}/message unchanged (no max_steps there)", async () => {
    const sessionId = await createSession(url, stack.key);
    await post(`/stream/${sessionId}/message`).send({ content: "via the stream route" }).expect(200);
    expect((await latestRun(sessionId)).maxSteps).toBeNull();
  });

  it.each([
    [0, "max_steps must be an integer from 1 to 1000"],
    [1001, "max_steps must be an integer from 1 to 1000"],
    ["x", "max_steps must be an integer from 1 to 1000"],
    ["5", "max_steps must be an integer from 1 to 1000"],
    [2.5, "max_steps must be an integer from 1 to 1000"],
    [-3, "max_steps must be an integer from 1 to 1000"],
    [null, "max_steps must be an integer from 1 to 1000"],
  ])("refuses max_steps %j with 400 and queues nothing", async (maxSteps, message) => {
    const sessionId = await createSession(url, stack.key);
    const response = await post(`/api/sessions/${sessionId}/messages`).send({ text: "hi", max_steps: maxSteps });
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
    expect(await prisma().run.count({ where: { sessionId } })).toBe(0);
  });
});

describe("POST /api/chat with a model", () => {
  it("stores a concrete model on the conversation's session, and leaves Auto to the usual choice", async () => {
    const { workspaceId } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("sessionmodels-chat");
    const chat = stack.apis[0]!.api.services.chat;

    const auto = await chat.send(workspaceId, { message: "hello", model: "ml-auto" });
    expect(await storedModel(auto.conversationId)).toEqual({ modelProvider: null, modelId: null });

    const picked = await chat.send(workspaceId, { message: "hello again", model: "scripted-1" });
    expect(picked.model).toBe("scripted-1");
    expect(await storedModel(picked.conversationId)).toEqual({ modelProvider: "scripted", modelId: "scripted-1" });

    // Continuing a conversation with a concrete model makes it the conversation's from then on.
    await chat.send(workspaceId, { message: "go on", model: "scripted-1", conversationId: auto.conversationId });
    expect(await storedModel(auto.conversationId)).toEqual({ modelProvider: "scripted", modelId: "scripted-1" });
  });
});
