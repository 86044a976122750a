/** The run pipeline end to end: POST -> queue -> worker -> Redis log -> SSE, and Postgres. */
import request from "supertest";
import { SseClient, waitFor } from "@mix/testing";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "pipeline" });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const ids = (events: { id?: string }[]) => events.map((event) => Number(event.id));

describe("a message's run, streamed", () => {
  let sessionId: string;
  let client: SseClient;

  beforeAll(async () => {
    sessionId = await createSession(url, stack.key);
    client = await openStream(url, stack.key, sessionId);
    const accepted = await sendMessage(url, stack.key, sessionId, "hello pipeline");
    expect(accepted.body).toEqual({ status: "processing", sessionId });
    await client.waitForEvent(isComplete);
  });
  afterAll(() => client.close());

  it("delivers the contract's events in order, ending in complete", () => {
    const names = client.logEvents.map((event) => event.event);
    expect(names[0]).toBe("user_message_created");
    expect(names.filter((name) => name === "thinking")).toHaveLength(2);
    expect(names.filter((name) => name === "content")).toHaveLength(8);
    expect(names.at(-1)).toBe("complete");
    // Reasoning streams before the answer.
    expect(names.lastIndexOf("thinking")).toBeLessThan(names.indexOf("content"));
    expect(client.events[0]!.event).toBe("connected");
    expect(client.headers["content-type"]).toMatch(/^text\/event-stream/);
  });

  it("numbers events with strictly increasing ids", () => {
    const seen = ids(client.logEvents);
    seen.forEach((id, i) => i > 0 && expect(id).toBeGreaterThan(seen[i - 1]!));
  });

  it("puts the whole answer and reasoning in complete, matching the deltas", () => {
    const complete = client.logEvents.at(-1)!.data;
    const streamed = client.logEvents
      .filter((event) => event.event === "content")
      .map((event) => event.data.content)
      .join("");
    expect(complete).toMatchObject({ type: "complete", done: true, content: streamed });
    expect(streamed).toContain("hello pipeline");
    expect(typeof complete.reasoning).toBe("string");
    expect(complete.reasoningDuration).toEqual(expect.any(Number));
    const user = client.logEvents[0]!.data;
    expect(user).toMatchObject({ type: "user_message_created", content: "hello pipeline", messageId: expect.any(String) });
  });

  it("stores the user and assistant messages in Postgres", async () => {
    const complete = client.logEvents.at(-1)!.data;
    const response = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
    expect(response.body).toEqual([
      { id: client.logEvents[0]!.data.messageId, sessionId, role: "user", userInput: "hello pipeline" },
      expect.objectContaining({ id: complete.messageId, role: "assistant", assistantResponse: complete.content, reasoning: complete.reasoning }),
    ]);
    const session = await request(url).get(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(200);
    expect(session.body).toMatchObject({ userMessageCount: 1, assistantMessageCount: 1, firstUserMessage: "hello pipeline" });
    expect(session.body.completionTokens).toBeGreaterThan(0);
    const run = await stack.apis[0]!.api.infrastructure.prisma.run.findUniqueOrThrow({ where: { id: String(client.logEvents[0]!.data.messageId) } });
    expect(run.status).toBe("completed");
  });

  it("replays exactly the later events after a reconnect with Last-Event-ID", async () => {
    const all = client.logEvents;
    const middle = all[Math.floor(all.length / 2)]!;
    const replay = await openStream(url, stack.key, sessionId, middle.id);
    try {
      const expected = all.filter((event) => Number(event.id) > Number(middle.id));
      await replay.waitForCount(() => true, expected.length + 1);
      expect(replay.logEvents.map((event) => [event.id, event.event, event.data])).toEqual(expected.map((event) => [event.id, event.event, event.data]));
    } finally {
      replay.close();
    }
  });

  it("accepts the resume point as a lastEventId query parameter too (browsers' first connect)", async () => {
    const last = client.logEvents.at(-2)!;
    const replay = await SseClient.connect(`${url}/stream?sessionId=${sessionId}&lastEventId=${last.id}`, { headers: bearer(stack.key) });
    try {
      const [event] = await replay.waitForCount((event) => event.event === "complete", 1);
      expect(replay.logEvents).toHaveLength(1);
      expect(event!.id).toBe(client.logEvents.at(-1)!.id);
    } finally {
      replay.close();
    }
  });
});

describe("a session's runs", () => {
  it("run one after the other, in order, when two messages are posted back to back", async () => {
    const sessionId = await createSession(url, stack.key);
    const client = await openStream(url, stack.key, sessionId);
    try {
      await Promise.all([sendMessage(url, stack.key, sessionId, "first"), sendMessage(url, stack.key, sessionId, "second")]);
      await client.waitForCount(isComplete, 2);
      const events = client.logEvents.map((event) => event.event);
      const [firstEnd, secondStart] = [events.indexOf("complete"), events.lastIndexOf("user_message_created")];
      // Exactly two runs, and every event of the second comes after the first's complete.
      expect(events.filter((name) => name === "user_message_created")).toHaveLength(2);
      expect(secondStart).toBeGreaterThan(firstEnd);
      // Sent concurrently, either may take the first turn: runs must follow the stored order.
      const messages = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
      expect(messages.body.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "user", "assistant"]);
      const stored = [messages.body[0].userInput, messages.body[2].userInput];
      expect([...stored].sort()).toEqual(["first", "second"]);
      const prompts = client.logEvents.filter((event) => event.event === "user_message_created").map((event) => event.data.content);
      expect(prompts).toEqual(stored);
      const answers = client.logEvents.filter(isComplete).map((event) => String(event.data.content));
      expect(answers[0]).toContain(stored[0]);
      expect(answers[1]).toContain(stored[1]);
      expect(messages.body[1].assistantResponse).toBe(answers[0]);
    } finally {
      client.close();
    }
  });

  it("are never duplicated by a retried POST with the same Idempotency-Key", async () => {
    const sessionId = await createSession(url, stack.key);
    const client = await openStream(url, stack.key, sessionId);
    try {
      const headers = { "Idempotency-Key": "retry-me-1" };
      await sendMessage(url, stack.key, sessionId, "only once", headers);
      await sendMessage(url, stack.key, sessionId, "only once", headers);
      await client.waitForEvent(isComplete);
      const messages = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
      expect(messages.body.filter((message: { role: string }) => message.role === "user")).toHaveLength(1);
      // A third retry after the run finished is still a no-op.
      await sendMessage(url, stack.key, sessionId, "only once", headers);
      const runs = await stack.apis[0]!.api.infrastructure.prisma.run.count({ where: { sessionId } });
      expect(runs).toBe(1);
      await waitFor(async () => (await stack.apis[0]!.api.infrastructure.prisma.run.count({ where: { sessionId, status: "completed" } })) === 1);
      expect(client.logEvents.filter((event) => event.event === "user_message_created")).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it("keeps a message sent while nobody watches, for a client that replays from 0", async () => {
    const sessionId = await createSession(url, stack.key);
    await sendMessage(url, stack.key, sessionId, "unwatched");
    await waitFor(async () => (await stack.apis[0]!.api.infrastructure.prisma.run.count({ where: { sessionId, status: "completed" } })) === 1);
    const replay = await openStream(url, stack.key, sessionId, "0");
    try {
      await replay.waitForEvent(isComplete);
      expect(replay.logEvents.map((event) => event.event)).toContain("user_message_created");
    } finally {
      replay.close();
    }
  });
});
