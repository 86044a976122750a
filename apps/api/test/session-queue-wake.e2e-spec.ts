/**
 * Messages posted to a busy session wait for the run ahead and are woken when it ends, not by
 * their own retry: with RUN_BUSY_RETRY_MS at a minute, three messages posted back to back must
 * all be answered, in order, long before the first retry could come. (Every other test runs with
 * a 50 ms retry, under which a lost wake would go unnoticed.)
 */
import request from "supertest";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const RETRY_MS = 60_000;
let stack: TestStack;
let url: string;

beforeAll(async () => {
  // Runs that take a while (20 deltas 10 ms apart), so the later messages come while the first holds the session.
  stack = await startTestStack({ label: "queuewake", env: { RUN_BUSY_RETRY_MS: String(RETRY_MS), SCRIPTED_DELAY_MS: "10", SCRIPTED_CONTENT_DELTAS: "20" } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
});

it("runs messages queued behind a busy session as soon as the run ahead ends, in the order they were stored", async () => {
  const sessionId = await createSession(url, stack.key);
  const client = await openStream(url, stack.key, sessionId);
  try {
    await Promise.all(["one", "two", "three"].map((text) => sendMessage(url, stack.key, sessionId, text)));
    // A third of the retry: only wakes can get all three answered by then.
    await client.waitForCount(isComplete, 3, RETRY_MS / 3);
    const messages = await request(url).get(`/api/sessions/${sessionId}/messages`).set(bearer(stack.key)).expect(200);
    const stored = messages.body.filter((message: { role: string }) => message.role === "user").map((message: { userInput: string }) => message.userInput);
    expect([...stored].sort()).toEqual(["one", "three", "two"]);
    const prompts = client.logEvents.filter((event) => event.event === "user_message_created").map((event) => event.data.content);
    expect(prompts).toEqual(stored);
  } finally {
    client.close();
  }
});
