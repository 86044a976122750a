/** The stream's own events: heartbeats while idle, and the end of a deleted session's stream. */
import request from "supertest";
import { waitFor } from "@mix/testing";
import { createSession, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ label: "lifecycle", workers: 0, env: { SSE_HEARTBEAT_MS: "100" } });
});
afterAll(() => stack?.close());

it("sends heartbeats carrying the resume id while the session is idle", async () => {
  const { url } = stack.apis[0]!;
  const sessionId = await createSession(url, stack.key);
  const client = await openStream(url, stack.key, sessionId);
  try {
    const beats = await client.waitForCount((event) => event.event === "heartbeat", 2, 5_000);
    expect(beats[0]!.data).toEqual({ type: "ping" });
    // No log event yet beyond session_created (id 1): heartbeats resume from there.
    expect(beats.map((beat) => beat.id)).toEqual(["1", "1"]);
    expect(client.events[0]).toMatchObject({ event: "connected", id: "1", data: { sessionId } });
  } finally {
    client.close();
  }
});

it("tells open streams that the session was deleted, then ends them", async () => {
  const { url } = stack.apis[0]!;
  const sessionId = await createSession(url, stack.key);
  const client = await openStream(url, stack.key, sessionId);
  await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(204);
  const deleted = await client.waitForEvent((event) => event.event === "session_deleted");
  expect(deleted.data).toEqual({ type: "session_deleted", sessionId });
  await waitFor(() => client.ended, { what: "the server to end the stream" });
});

it("refuses a malformed Last-Event-ID with 400", async () => {
  const { url } = stack.apis[0]!;
  const sessionId = await createSession(url, stack.key);
  const response = await request(url).get(`/stream?sessionId=${sessionId}`).set(bearer(stack.key)).set("Last-Event-ID", "abc");
  expect(response.status).toBe(400);
  expect(response.body.error.message).toMatch(/Last-Event-ID/);
});

describe("POST /stream/{id}/message", () => {
  it("runs the message once however many streams are open", async () => {
    const worker = await stack.startWorker();
    const { url } = stack.apis[0]!;
    const sessionId = await createSession(url, stack.key);
    const streams = await Promise.all([1, 2, 3].map(() => openStream(url, stack.key, sessionId)));
    try {
      const response = await request(url).post(`/stream/${sessionId}/message`).set(bearer(stack.key)).send({ content: "via the stream" });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: "broadcasted", sessionId });
      for (const stream of streams) {
        await stream.waitForEvent((event) => event.event === "complete");
        expect(stream.logEvents.filter((event) => event.event === "user_message_created").map((event) => event.data.content)).toEqual(["via the stream"]);
      }
      expect(await stack.apis[0]!.api.infrastructure.prisma.run.count({ where: { sessionId } })).toBe(1);
    } finally {
      streams.forEach((stream) => stream.close());
      await worker.close();
      stack.workers.splice(stack.workers.indexOf(worker), 1);
    }
  });

  it.each([
    [{}, "content is required"],
    [{ content: " " }, "content must not be empty"],
    [{ content: "x", text: "y" }, "unknown field(s): text"],
  ])("refuses %j with 400", async (body, message) => {
    const { url } = stack.apis[0]!;
    const sessionId = await createSession(url, stack.key);
    const response = await request(url).post(`/stream/${sessionId}/message`).set(bearer(stack.key)).send(body);
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 400, type: "validation_error", reason: "validation_failed", message } });
  });

  it("answers 404 for an unknown or foreign session", async () => {
    const { url } = stack.apis[0]!;
    const foreign = await createSession(url, stack.otherKey);
    for (const id of ["nope", foreign]) {
      const response = await request(url).post(`/stream/${id}/message`).set(bearer(stack.key)).send({ content: "hi" });
      expect(response.status).toBe(404);
    }
  });
});
