/**
 * A test stack whose agent talks to a fake OpenAI-compatible server (the real AI SDK adapter on
 * the wire format), with its own storage folder, and helpers to hold one conversation turn.
 */
import { rm } from "node:fs/promises";
import request from "supertest";
import { createStorageDir, FakeHttpServer, type SseClient, type SseEvent } from "@mix/testing";
import { createSession, isComplete, openStream } from "./session-fixtures";

/** The last event of a run: `complete` (done, cancelled, max steps) or the error of a failed run. */
export const isRunEnd = (event: SseEvent) => isComplete(event) || (event.event === "error" && event.data.type === "run_failed");
import { bearer, startTestStack, type TestStack, type TestStackOptions } from "./test-stack";

export const FAKE_MODEL = "fake-model";
/** USD per million tokens for FAKE_MODEL in these stacks. */
export const FAKE_PRICE = { input: 2, output: 10 };

export interface AgentStack extends TestStack {
  fake: FakeHttpServer;
  url: string;
  storage: string;
}

export async function startAgentStack(options: TestStackOptions): Promise<AgentStack> {
  const fake = await FakeHttpServer.start();
  const storage = await createStorageDir(options.label);
  const stack = await startTestStack({
    ...options,
    env: {
      MODEL_PROVIDER: "openai-compatible",
      OPENAI_COMPATIBLE_BASE_URL: `${fake.url}/v1`,
      MODEL_ID: FAKE_MODEL,
      MODEL_PRICES_JSON: JSON.stringify({ [FAKE_MODEL]: FAKE_PRICE }),
      MODEL_RETRY_BASE_MS: "20",
      STORAGE_DIR: storage,
      ...options.env,
    },
  });
  return {
    ...stack,
    fake,
    storage,
    url: stack.apis[0]!.url,
    async close() {
      await stack.close();
      await fake.close();
      await rm(storage, { recursive: true, force: true });
    },
  };
}

/** Lets every tool run without asking in the key's workspace. */
export async function allowAllTools(url: string, key: string): Promise<void> {
  await request(url).put("/api/permissions/policy").set(bearer(key)).send({ tools: [] }).expect(200);
}

export interface Turn {
  sessionId: string;
  stream: SseClient;
  /** Run events up to and including the last: `complete`, or the `error` of a failed run. */
  events: SseEvent[];
}

/** Sends one message to a new (or the given) session and waits for its run to complete. */
export async function converse(
  stack: AgentStack,
  text: string,
  options: { sessionId?: string; body?: Record<string, unknown>; key?: string; timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Turn> {
  const key = options.key ?? stack.key;
  const sessionId = options.sessionId ?? (await createSession(stack.url, key));
  const stream = await openStream(stack.url, key, sessionId);
  try {
    await request(stack.url)
      .post(`/api/sessions/${sessionId}/messages`)
      .set({ ...bearer(key), ...options.headers })
      .send({ text, ...options.body })
      .expect(202);
    await stream.waitForEvent(isRunEnd, options.timeoutMs ?? 15_000, "the run to end");
    return { sessionId, stream, events: stream.logEvents };
  } finally {
    stream.close();
  }
}

export const named = (events: SseEvent[], name: string) => events.filter((event) => event.event === name);
