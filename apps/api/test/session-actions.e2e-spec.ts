/** Fork, rewind and export of a session, on stored transcripts; no worker, so sent messages stay queued. */
import request from "supertest";
import { ExportSession } from "@mix/core";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";
import { seedConversation, seedTurn } from "./helpers/transcript-fixtures";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "session-actions", workers: 0 });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const prisma = () => stack.apis[0]!.api.infrastructure.prisma;
const post = (path: string, key = stack.key) => request(url).post(path).set(bearer(key));
const messagesOf = async (sessionId: string) =>
  (await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200)).body as ({ id: string } & Record<string, unknown>)[];
const validation = (message: string | RegExp) => ({
  error: { code: 400, type: "validation_error", reason: "validation_failed", message: typeof message === "string" ? message : expect.stringMatching(message) },
});
const notFoundBody = (what: string) => ({ error: { code: 404, type: "not_found", reason: "not_found", message: `${what} not found` } });
const withoutIds = (messages: Record<string, unknown>[]) => messages.map(({ id: _id, sessionId: _session, ...rest }: Record<string, unknown>) => rest);

describe("POST /api/sessions/{id}/fork", () => {
  const callbacks = [{ type: "bash_script", toolName: "*", bashCommand: "echo done", name: "Log" }];
  let source: string;

  beforeAll(async () => {
    source = await createSession(url, stack.key, { title: "source", customSystemPrompt: "Be $<tone>.", promptMode: "append", callbacks });
    await seedTurn(prisma(), source, {
      user: "list the files",
      assistant: {
        text: "here they are",
        reasoning: { text: "use ls", durationMs: 120 },
        toolCalls: [{ id: "call_1", name: "bash", input: '{"command":"ls"}', result: "a.txt" }],
        callbackResults: [{ callbackName: "Log", output: "done" }],
      },
    });
    await seedConversation(prisma(), source, 2);
  });

  it("copies the messages up to messageIndex with their parts, settings and callbacks", async () => {
    const response = await post(`/api/sessions/${source}/fork`).send({ messageIndex: 2 }).expect(201);
    const fork = response.body.id as string;
    expect(response.body).toEqual({
      id: expect.any(String),
      title: "Forked Session",
      sessionType: "forked",
      parentSessionId: source,
      firstUserMessage: "list the files",
      userMessageCount: 2,
      assistantMessageCount: 1,
      toolCallCount: 1,
      promptTokens: 0,
      completionTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      cost: 0,
      createdAt: expect.any(String),
      browserMode: "local-browser-service",
      callbacks,
    });
    expect(fork).not.toBe(source);

    const sourceMessages = await messagesOf(source);
    const forkMessages = await messagesOf(fork);
    expect(withoutIds(forkMessages)).toEqual(withoutIds(sourceMessages.slice(0, 3)));
    expect(forkMessages.map((message) => message.id)).not.toContain(sourceMessages[0]!.id);

    const stored = await prisma().session.findUniqueOrThrow({ where: { id: fork } });
    expect(stored).toMatchObject({ customSystemPrompt: "Be $<tone>.", promptMode: "append", turnCount: 2, workspaceId: expect.any(String) });
    const parts = await prisma().part.findMany({ where: { message: { sessionId: fork } } });
    const sourceParts = await prisma().part.findMany({ where: { messageId: { in: sourceMessages.slice(0, 3).map((m) => m.id) } } });
    expect(parts.map((part) => part.data)).toEqual(expect.arrayContaining(sourceParts.map((part) => part.data)));
    expect(parts).toHaveLength(sourceParts.length);

    // The turn counter continues after the copied turns: a new message lands last.
    await sendMessage(url, stack.key, fork, "after the fork");
    const after = await prisma().message.findMany({ where: { sessionId: fork }, orderBy: [{ turn: "asc" }, { position: "asc" }] });
    expect(after.map((message) => message.turn)).toEqual([1, 1, 2, 3]);
    const listed = await messagesOf(fork);
    expect(listed.at(-1)).toMatchObject({ role: "user", userInput: "after the fork" });
  });

  it("takes a title, and messageIndex 0 copies just the first message", async () => {
    const response = await post(`/api/sessions/${source}/fork`).send({ messageIndex: 0, title: "  Branch  " }).expect(201);
    expect(response.body).toMatchObject({ title: "Branch", userMessageCount: 1, assistantMessageCount: 0, toolCallCount: 0 });
    expect(await messagesOf(response.body.id)).toEqual([expect.objectContaining({ role: "user", userInput: "list the files" })]);
  });

  it("copies the whole transcript when messageIndex is the last index", async () => {
    const response = await post(`/api/sessions/${source}/fork`).send({ messageIndex: 5 }).expect(201);
    expect(response.body).toMatchObject({ userMessageCount: 3, assistantMessageCount: 3, toolCallCount: 1 });
    expect(withoutIds(await messagesOf(response.body.id))).toEqual(withoutIds(await messagesOf(source)));
  });

  it.each([
    [{ messageIndex: 6 }, "messageIndex 6 is out of range: the session has 6 message(s), so the largest index is 5"],
    [{ messageIndex: -1 }, "messageIndex must be >= 0"],
    [{ messageIndex: 1e15 }, /^messageIndex 1000000000000000 is out of range/],
    [{}, "messageIndex is required"],
    [{ messageIndex: 1.5 }, "messageIndex must be an integer"],
    [{ messageIndex: "1" }, "messageIndex must be an integer"],
    [{ messageIndex: 0, title: "" }, "title must not be empty"],
    [{ messageIndex: 0, title: 3 }, "title must be a string"],
    [{ messageIndex: 0, parent: "x" }, "unknown field(s): parent"],
  ])("refuses %j with 400", async (body, message) => {
    const response = await post(`/api/sessions/${source}/fork`).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
  });

  it("refuses any index of an empty session", async () => {
    const empty = await createSession(url, stack.key);
    const response = await post(`/api/sessions/${empty}/fork`).send({ messageIndex: 0 });
    expect(response.body).toEqual(validation("messageIndex 0 is out of range: the session has 0 message(s)"));
  });

  it("answers 404 for an unknown session and another workspace's session, creating nothing", async () => {
    const before = await prisma().session.count();
    expect((await post("/api/sessions/nope/fork").send({ messageIndex: 0 })).body).toEqual(notFoundBody("Session"));
    const foreign = await post(`/api/sessions/${source}/fork`, stack.otherKey).send({ messageIndex: 0 });
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(notFoundBody("Session"));
    expect(await prisma().session.count()).toBe(before);
  });
});

describe("POST /api/sessions/{id}/rewind", () => {
  it("keeps the message and deletes every later one with its parts and runs", async () => {
    const sessionId = await createSession(url, stack.key);
    const turns = await seedConversation(prisma(), sessionId, 3);
    const response = await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: turns[1]!.assistantId }).expect(200);
    expect(response.body).toMatchObject({ id: sessionId, userMessageCount: 2, assistantMessageCount: 2, firstUserMessage: "question 1" });
    expect((await messagesOf(sessionId)).map((message) => message.id)).toEqual([
      turns[0]!.userId,
      turns[0]!.assistantId,
      turns[1]!.userId,
      turns[1]!.assistantId,
    ]);
    const gone = [turns[2]!.userId, turns[2]!.assistantId!];
    expect(await prisma().part.count({ where: { messageId: { in: gone } } })).toBe(0);
    expect(await prisma().run.count({ where: { id: { in: gone } } })).toBe(0);

    // Rewinding to a user message drops its answer but keeps its (finished) run.
    await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: turns[1]!.userId, cleanupMedia: false }).expect(200);
    expect((await messagesOf(sessionId)).map((message) => message.id)).toEqual([turns[0]!.userId, turns[0]!.assistantId, turns[1]!.userId]);
    expect(await prisma().run.count({ where: { id: turns[1]!.userId } })).toBe(1);

    // The next message takes the turn after the kept one and is listed last.
    await sendMessage(url, stack.key, sessionId, "a new direction");
    const stored = await prisma().message.findMany({ where: { sessionId }, orderBy: [{ turn: "asc" }, { position: "asc" }] });
    expect(stored.map((message) => message.turn)).toEqual([1, 1, 2, 3]);
  });

  it("answers 409 while a run is queued, and rewinds once it is cancelled", async () => {
    const sessionId = await createSession(url, stack.key);
    const [first] = await seedConversation(prisma(), sessionId, 1);
    await sendMessage(url, stack.key, sessionId, "still waiting for a worker");
    const busy = await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: first!.userId });
    expect(busy.status).toBe(409);
    expect(busy.body).toEqual({ error: { code: 409, type: "bad_request", reason: "conflict", message: expect.stringMatching(/active run/) } });
    expect(await messagesOf(sessionId)).toHaveLength(3);

    await prisma().run.updateMany({ where: { sessionId, status: "queued" }, data: { status: "cancelled" } });
    await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: first!.userId }).expect(200);
    expect((await messagesOf(sessionId)).map((message) => message.id)).toEqual([first!.userId]);
  });

  it("answers 404 for an unknown message, a message of another session, and unknown or foreign sessions", async () => {
    const sessionId = await createSession(url, stack.key);
    const other = await createSession(url, stack.key);
    const [turn] = await seedConversation(prisma(), sessionId, 1);
    const [otherTurn] = await seedConversation(prisma(), other, 1);
    expect((await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: "nope" })).body).toEqual(notFoundBody("Message"));
    expect((await post(`/api/sessions/${sessionId}/rewind`).send({ messageId: otherTurn!.userId })).body).toEqual(notFoundBody("Message"));
    expect((await post("/api/sessions/nope/rewind").send({ messageId: turn!.userId })).body).toEqual(notFoundBody("Session"));
    const foreign = await post(`/api/sessions/${sessionId}/rewind`, stack.otherKey).send({ messageId: turn!.userId });
    expect(foreign.status).toBe(404);
    expect(await messagesOf(sessionId)).toHaveLength(2);
    expect(await messagesOf(other)).toHaveLength(2);
  });

  it.each([
    [{}, "messageId is required"],
    [{ messageId: "" }, "messageId is required"],
    [{ messageId: 5 }, "messageId must be a string"],
    [{ messageId: "m", cleanupMedia: "yes" }, "cleanupMedia must be a boolean"],
    [{ messageId: "m", extra: true }, "unknown field(s): extra"],
  ])("refuses %j with 400", async (body, message) => {
    const sessionId = await createSession(url, stack.key);
    const response = await post(`/api/sessions/${sessionId}/rewind`).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual(validation(message));
  });
});

describe("GET /api/sessions/{id}/export", () => {
  let sessionId: string;
  let seeded: Awaited<ReturnType<typeof seedTurn>>[];

  beforeAll(async () => {
    sessionId = await createSession(url, stack.key, { title: "to export" });
    seeded = [
      await seedTurn(prisma(), sessionId, {
        user: "inspect the repo",
        assistant: {
          text: "done",
          reasoning: { text: "start with ls", durationMs: 250 },
          model: "scripted-large",
          finishReason: "tool_calls",
          toolCalls: [
            { id: "call_ls", name: "bash", input: '{"command":"ls"}', result: "README.md" },
            { id: "call_bad", name: "bash", input: "{not json", result: "parse error", isError: true },
            { id: "call_open", name: "read", input: '["not","an","object"]' },
          ],
          resultsInToolMessage: true,
          callbackResults: [{ callbackName: "Log", exitCode: 0 }],
        },
      }),
      await seedTurn(prisma(), sessionId, { user: "thanks", assistant: { text: "you're welcome" } }),
    ];
    await prisma().session.update({
      where: { id: sessionId },
      data: { promptTokens: 1200, completionTokens: 340, cacheReadTokens: 900, cacheWriteTokens: 120, cost: 0.0125 },
    });
  });

  it("returns the whole transcript with tool results on their calls, and a download filename", async () => {
    const response = await request(url).get(`/api/sessions/${sessionId}/export`).set(bearer(stack.key)).expect(200);
    expect(response.headers["content-disposition"]).toBe(`attachment; filename=session_${sessionId}_transcript.json`);
    expect(response.headers["content-type"]).toMatch(/^application\/json/);
    expect(ExportSession.safeParse(response.body).success).toBe(true);
    const [first, second] = seeded;
    const at = expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/);
    expect(response.body).toEqual({
      id: sessionId,
      title: "to export",
      createdAt: at,
      updatedAt: at,
      userMessageCount: 2,
      assistantMessageCount: 2,
      toolCallCount: 3,
      promptTokens: 1200,
      completionTokens: 340,
      cacheReadTokens: 900,
      cacheWriteTokens: 120,
      cost: 0.0125,
      messages: [
        { id: first!.userId, role: "user", content: "inspect the repo", createdAt: at, updatedAt: at },
        {
          id: first!.assistantId,
          role: "assistant",
          content: "done",
          reasoning: "start with ls",
          reasoningDuration: 250,
          model: "scripted-large",
          finishReason: "tool_calls",
          toolCalls: [
            {
              id: "call_ls",
              name: "bash",
              input: '{"command":"ls"}',
              inputJson: { command: "ls" },
              type: "tool_use",
              finished: true,
              result: "README.md",
              isError: false,
            },
            { id: "call_bad", name: "bash", input: "{not json", type: "tool_use", finished: true, result: "parse error", isError: true },
            { id: "call_open", name: "read", input: '["not","an","object"]', type: "tool_use", finished: false },
          ],
          callbackResults: [{ callbackName: "Log", exitCode: 0 }],
          createdAt: at,
          updatedAt: at,
        },
        { id: first!.toolMessageId, role: "tool", content: "", createdAt: at, updatedAt: at },
        { id: second!.userId, role: "user", content: "thanks", createdAt: at, updatedAt: at },
        expect.objectContaining({ id: second!.assistantId, role: "assistant", content: "you're welcome", model: "scripted", finishReason: "stop" }),
      ],
    });
  });

  it("exports an empty session, and answers 404 for unknown and foreign sessions", async () => {
    const empty = await createSession(url, stack.key, { title: "empty" });
    const response = await request(url).get(`/api/sessions/${empty}/export`).set(bearer(stack.key)).expect(200);
    expect(response.body).toMatchObject({ id: empty, messages: [], userMessageCount: 0, assistantMessageCount: 0, toolCallCount: 0 });
    const missing = await request(url).get("/api/sessions/nope/export").set(bearer(stack.key));
    expect(missing.status).toBe(404);
    expect(missing.headers["content-disposition"]).toBeUndefined();
    const foreign = await request(url).get(`/api/sessions/${sessionId}/export`).set(bearer(stack.otherKey));
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(notFoundBody("Session"));
  });
});

it.each([
  ["post", "/api/sessions/x/fork"],
  ["post", "/api/sessions/x/rewind"],
  ["get", "/api/sessions/x/export"],
] as const)("%s %s needs a key", async (method, path) => {
  const response = await request(url)[method](path).send({});
  expect(response.status).toBe(401);
  expect(response.body).toEqual({ error: { code: 401, type: "unauthorized", reason: "unauthorized", message: expect.any(String) } });
});
