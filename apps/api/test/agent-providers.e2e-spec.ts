/**
 * The provider a run calls, through the whole loop: a session that names Anthropic runs on it
 * with the workspace's stored key (thinking, a tool call and its signed thinking sent back),
 * thinking levels become Anthropic's budgets, a workspace's preferences pick Gemini, a missing
 * key fails the run with how to add one, and an overloaded Anthropic is retried. The server's
 * configured default (a fake OpenAI-compatible server) is never called.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { anthropicError, anthropicTextReply, anthropicToolCallReply, FakeHttpServer, geminiTextReply, geminiToolCallReply } from "@mix/testing";
import { allowAllTools, converse, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

const ANTHROPIC_KEY = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
const GEMINI_ENV_KEY = `gm-env-${randomBytes(12).toString("hex")}`;
const HAIKU = "claude-haiku-4-5";

let stack: AgentStack;
let anthropic: FakeHttpServer;
let gemini: FakeHttpServer;

beforeAll(async () => {
  anthropic = await FakeHttpServer.start();
  gemini = await FakeHttpServer.start();
  stack = await startAgentStack({
    label: "agent-providers",
    env: {
      ANTHROPIC_BASE_URL: `${anthropic.url}/v1`,
      GEMINI_BASE_URL: `${gemini.url}/v1beta`,
      GEMINI_API_KEY: GEMINI_ENV_KEY,
      CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
      MODEL_MAX_ATTEMPTS: "3",
    },
  });
  // Workspace A stores an Anthropic key; workspace B (otherKey) has none.
  await request(stack.url).post("/api/auth/api-key").set(bearer(stack.key)).send({ provider: "anthropic", api_key: ANTHROPIC_KEY }).expect(200);
  await allowAllTools(stack.url, stack.key);
  await allowAllTools(stack.url, stack.otherKey);
});
afterAll(async () => {
  await stack?.close();
  await anthropic?.close();
  await gemini?.close();
});

afterEach(() => {
  // Every run here chose its provider: the configured default was never asked.
  expect(stack.fake.requests).toHaveLength(0);
});

const haikuSession = (key = stack.key) => createSession(stack.url, key, { provider: "anthropic", modelId: HAIKU });
const messagesOf = (sessionId: string) => request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);

describe("a session on Anthropic", () => {
  it("runs thinking, a tool call and the answer on the workspace's key, sending the signed thinking back", async () => {
    anthropic
      .reply(
        anthropicToolCallReply([{ id: "toolu_ls", name: "list_directory", input: {} }], {
          reasoning: "Listing the folder first.",
          signature: "sig-turn-1",
          model: HAIKU,
        }),
      )
      .reply(anthropicTextReply("The folder is empty.", { model: HAIKU }));
    const before = anthropic.requests.length;
    const sessionId = await haikuSession();
    const { events } = await converse(stack, "What is in the folder? think about it", { sessionId });

    const names = events.map((event) => event.event);
    const order = [
      "thinking",
      "tool_use_start",
      "tool_use_parameter_streaming_complete",
      "tool_execution_start",
      "tool_execution_complete",
      "content",
      "complete",
    ];
    expect(order.map((name) => names.indexOf(name)).every((index) => index >= 0)).toBe(true);
    expect(order.map((name) => names.indexOf(name))).toEqual([...order.map((name) => names.indexOf(name))].sort((a, b) => a - b));
    expect(
      named(events, "thinking")
        .map((event) => event.data.content)
        .join(""),
    ).toBe("Listing the folder first.");
    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolCallId: "toolu_ls", toolName: "list_directory", success: true });
    expect(events.at(-1)!.data).toMatchObject({
      type: "complete",
      content: "The folder is empty.",
      reasoning: "Listing the folder first.",
      reasoningDuration: expect.any(Number),
    });

    const [first, second] = anthropic.requests.slice(before);
    expect(anthropic.requests.length - before).toBe(2);
    for (const sent of [first!, second!]) {
      expect(sent.path).toBe("/v1/messages");
      expect(sent.headers["x-api-key"]).toBe(ANTHROPIC_KEY);
      expect(sent.body.model).toBe(HAIKU);
      expect(sent.body.thinking).toEqual({ type: "enabled", budget_tokens: 4_000 });
    }
    expect(first!.body.tools.map((tool: { name: string }) => tool.name)).toEqual(expect.arrayContaining(["list_directory", "Bash", "Task"]));
    // The thinking block goes back, signed, before the tool_use it led to, then the result.
    expect(second!.body.messages.slice(1)).toEqual([
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "Listing the folder first.", signature: "sig-turn-1" },
          { type: "tool_use", id: "toolu_ls", name: "list_directory", input: {} },
        ],
      },
      { role: "user", content: [expect.objectContaining({ type: "tool_result", tool_use_id: "toolu_ls" })] },
    ]);

    // Stored: the reasoning reads as before in GET /messages; the signature is never shown.
    const messages = await messagesOf(sessionId);
    expect(messages.body[1]).toMatchObject({
      reasoning: "Listing the folder first.",
      reasoningDuration: expect.any(Number),
      toolCalls: [expect.objectContaining({ id: "toolu_ls", finished: true })],
    });
    expect(messages.text).not.toContain("sig-turn-1");

    // The next turn rebuilds the history from storage, thinking blocks and signatures included.
    anthropic.reply(anthropicTextReply("Still empty.", { model: HAIKU }));
    const next = await converse(stack, "And now? think", { sessionId });
    expect(next.events.at(-1)!.data).toMatchObject({ type: "complete", content: "Still empty." });
    const third = anthropic.requests.at(-1)!.body;
    expect(third.messages[1].content[0]).toEqual({ type: "thinking", thinking: "Listing the folder first.", signature: "sig-turn-1" });
    // The last message ends the prefix the next call reads from Anthropic's prompt cache.
    expect(third.messages.at(-1)).toEqual({ role: "user", content: [{ type: "text", text: "And now? think", cache_control: { type: "ephemeral" } }] });
  });

  it.each([
    {
      case: "thinking_level maximum: a budget of 32000",
      text: "hello",
      body: { thinking_level: "maximum" },
      thinking: { type: "enabled", budget_tokens: 32_000 },
    },
    {
      case: "'think hard' without a level: a budget of 10000",
      text: "please think hard about this",
      body: {},
      thinking: { type: "enabled", budget_tokens: 10_000 },
    },
    { case: "thinking_level off, even with 'ultrathink': no thinking", text: "ultrathink about this", body: { thinking_level: "off" }, thinking: undefined },
  ])("sends Anthropic the thinking of $case", async ({ text, body, thinking }) => {
    anthropic.reply(anthropicTextReply("ok", { model: HAIKU }));
    const before = anthropic.requests.length;
    const { events } = await converse(stack, text, { sessionId: await haikuSession(), body });
    expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "ok" });
    expect(anthropic.requests.length - before).toBe(1);
    expect(anthropic.requests.at(-1)!.body.thinking).toEqual(thinking);
  });

  it("fails the run, saying how to add a key, when the workspace has none and neither has the server", async () => {
    const before = anthropic.requests.length;
    const sessionId = await haikuSession(stack.otherKey);
    const { events } = await converse(stack, "hello", { sessionId, key: stack.otherKey });

    expect(events.at(-1)).toMatchObject({ event: "error", data: { type: "run_failed", error: expect.stringContaining("POST /api/auth/api-key") } });
    expect(events.at(-1)!.data.error).toContain("ANTHROPIC_API_KEY");
    expect(named(events, "complete")).toHaveLength(0);
    // Workspace A's key is not B's.
    expect(anthropic.requests.length - before).toBe(0);
    const prisma = stack.apis[0]!.api.infrastructure.prisma;
    expect((await prisma.run.findFirstOrThrow({ where: { sessionId } })).status).toBe("failed");
    const stored = await prisma.part.findMany({ where: { message: { sessionId }, type: "error" } });
    expect(stored.map((part) => (part.data as { message: string }).message)).toEqual([expect.stringContaining("POST /api/auth/api-key")]);
  });

  it("retries once after a 529 overloaded answer, then completes", async () => {
    anthropic.reply(anthropicError(529, "overloaded_error", "Overloaded")).reply(anthropicTextReply("Back again.", { model: HAIKU }));
    const before = anthropic.requests.length;
    const { events } = await converse(stack, "hello", { sessionId: await haikuSession() });

    expect(named(events, "error").map((event) => event.data)).toEqual([
      expect.objectContaining({ type: "retry", attempt: 1, maxAttempts: 3, error: expect.stringContaining("Overloaded") }),
    ]);
    expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "Back again." });
    expect(anthropic.requests.length - before).toBe(2);
  });
});

describe("a workspace that prefers Gemini", () => {
  it("runs a function call round trip on the preferred model with the server's Gemini key", async () => {
    const { apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("agent-providers-gemini");
    await allowAllTools(stack.url, apiKey);
    await request(stack.url)
      .post("/api/preferences")
      .set(bearer(apiKey))
      .send({ preferred_provider: "gemini", main_agent_model: "gemini-2.5-flash" })
      .expect(200);
    gemini
      .reply(geminiToolCallReply([{ id: "unused", name: "list_directory", input: {} }], { text: "Looking.", reasoning: "A listing will tell." }))
      .reply(geminiTextReply("Nothing here."));
    const before = gemini.requests.length;

    const { events } = await converse(stack, "What is in the folder?", { key: apiKey });

    expect(named(events, "tool_execution_complete")[0]!.data).toMatchObject({ toolName: "list_directory", success: true });
    expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "Nothing here." });
    const [first, second] = gemini.requests.slice(before);
    expect(gemini.requests.length - before).toBe(2);
    for (const sent of [first!, second!]) {
      expect(sent.path).toBe("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
      expect(sent.headers["x-goog-api-key"]).toBe(GEMINI_ENV_KEY);
    }
    // The call, then its result by the function's name.
    expect(second!.body.contents.slice(1)).toEqual([
      { role: "model", parts: [{ text: "Looking." }, { functionCall: expect.objectContaining({ name: "list_directory", args: {} }) }] },
      { role: "user", parts: [{ functionResponse: expect.objectContaining({ name: "list_directory" }) }] },
    ]);
  });
});
