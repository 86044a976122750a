/**
 * A restarted model step on real Postgres and Redis: each attempt streams under its own id,
 * which the run names before the attempt's first event; a retry after an attempt that streamed
 * announces that attempt as abandoned; storing the step stops naming it; and a resumed run
 * announces the step its lost worker was streaming, with its subagent tag, exactly when it was
 * never stored.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { Redis } from "ioredis";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix, TEST_REDIS_URL, type TestDatabase } from "@mix/testing";
import { STEP_RESTARTED, type EventName, type EventPayload } from "../contracts";
import type { Emit } from "../agent/model-step";
import { streamStep } from "../agent/step-attempt";
import { RetryableProviderError, type ModelProvider, type ModelStreamPart } from "../models/model-provider";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import { createLogger } from "../logging/logger";
import { insertUserMessage } from "../messages/insert-user-message";
import { RedisKeys } from "../redis/keys";
import { announceAbandonedStep } from "./abandoned-step";
import { RunStepStore } from "./run-step-store";

const prefix = testRedisPrefix("step-restart");
const redis = new Redis(TEST_REDIS_URL);
const logger = createLogger("test", "silent");
const retry = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 };
let database: TestDatabase;
let prisma: PrismaClient;
let store: RunStepStore;
let events: EventLog;

beforeAll(async () => {
  database = await createTestDatabase("steprestart");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  store = new RunStepStore(prisma);
  events = new EventLog(redis, new RedisKeys(prefix), { maxLen: 1_000, ttlSeconds: 600, ids: new PostgresEventIds(prisma) });
});
afterAll(async () => {
  redis.disconnect();
  await prisma?.$disconnect();
  await deleteRedisPrefix(prefix);
  await database?.drop();
});

async function newRun() {
  const workspace = await prisma.workspace.create({ data: { name: "w" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  const runId = (await insertUserMessage(prisma, {
    workspaceId: workspace.id,
    sessionId: session.id,
    text: "hi",
    planMode: false,
    thinkingLevel: null,
    idempotencyKey: null,
  }))!;
  return { sessionId: session.id, runId, workspaceId: workspace.id };
}

/** One scripted attempt: its deltas, then a finish, or the refusal it fails with. */
interface Attempt {
  reasoning?: string[];
  text?: string[];
  fail?: RetryableProviderError;
}

/** A provider (our port) whose calls play the attempts in turn. */
function providerOf(attempts: Attempt[]): ModelProvider {
  let call = 0;
  return {
    name: "flaky",
    defaultModel: "flaky-1",
    async *stream(): AsyncIterable<ModelStreamPart> {
      const attempt = attempts[call++]!;
      for (const text of attempt.reasoning ?? []) yield { type: "reasoning-delta", text };
      for (const text of attempt.text ?? []) yield { type: "text-delta", text };
      if (attempt.fail) throw attempt.fail;
      yield { type: "finish", finishReason: "stop", usage: { promptTokens: 1, completionTokens: 1 } };
    },
  };
}

/** Records every event, and what the run named as its streaming step when each went out. */
function recorder(runId: string) {
  const seen: { event: EventName; data: Record<string, unknown>; streaming: string | null }[] = [];
  const emit: Emit = async <E extends EventName>(event: E, data: EventPayload<E>) => {
    const { streamingMessageId } = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    seen.push({ event, data: data as Record<string, unknown>, streaming: streamingMessageId });
  };
  return { seen, emit };
}

const stepOf = (runId: string, attempts: Attempt[], emit: Emit) =>
  streamStep(
    { runId, model: { provider: providerOf(attempts), providerName: "scripted", modelId: "flaky-1" } },
    { model: "flaky-1", system: "", messages: [{ role: "user", content: "hi" }], thinkingBudget: 0 },
    { store, emit, logger, retry },
    { signal: new AbortController().signal },
  );

it("streams each attempt under its own id, named on the run first, and announces the abandoned one before the retry", async () => {
  const { sessionId, runId, workspaceId } = await newRun();
  const { seen, emit } = recorder(runId);
  const overloaded = new RetryableProviderError("Overloaded", 529);
  const streamed = await stepOf(runId, [{ text: ["Half ", "an "], fail: overloaded }, { text: ["The whole ", "answer."] }], emit);

  const contentIds = [...new Set(seen.filter((entry) => entry.event === "content").map((entry) => entry.data.assistantMessageId))];
  expect(contentIds).toHaveLength(2);
  const [abandoned, finished] = contentIds as [string, string];
  expect(streamed.messageId).toBe(finished);
  expect(streamed.step.text).toBe("The whole answer.");
  expect(seen.map((entry) => [entry.event, entry.data.type])).toEqual([
    ["content", "content"],
    ["content", "content"],
    ["error", STEP_RESTARTED],
    ["error", "retry"],
    ["content", "content"],
    ["content", "content"],
  ]);
  expect(seen[2]!.data).toEqual({ type: STEP_RESTARTED, assistantMessageId: abandoned, error: expect.stringContaining("Overloaded") });
  // The retry event keeps its own fields.
  expect(seen[3]!.data).toMatchObject({ attempt: 1, maxAttempts: 3, retryAfter: expect.any(Number), error: expect.stringContaining("Overloaded") });
  // Every event of an attempt went out while the run named that attempt.
  for (const entry of seen.filter((candidate) => candidate.event === "content")) expect(entry.streaming).toBe(entry.data.assistantMessageId);

  // Storing the step stops naming it.
  await store.saveStep({
    workspaceId,
    sentBy: { apiKeyId: null, memberId: null },
    runId,
    sessionId,
    rollUpSessionIds: [],
    turn: 1,
    messageId: finished,
    provider: "scripted",
    model: "flaky-1",
    step: streamed.step,
    usage: { promptTokens: 1, completionTokens: 1, cost: 0 },
  });
  expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).streamingMessageId).toBeNull();
});

it("counts reasoning as output, and announces nothing for an attempt refused before it streamed", async () => {
  const { runId } = await newRun();
  const { seen, emit } = recorder(runId);
  const limited = new RetryableProviderError("Rate limited", 429);
  await stepOf(runId, [{ fail: limited }, { reasoning: ["Thinking"], fail: limited }, { text: ["Done."] }], emit);

  const types = seen.map((entry) => entry.data.type);
  expect(types).toEqual(["retry", "thinking", STEP_RESTARTED, "retry", "content"]);
  expect(seen[2]!.data.assistantMessageId).toBe(seen[1]!.data.assistantMessageId);
  expect(seen[4]!.data.assistantMessageId).not.toBe(seen[1]!.data.assistantMessageId);
});

describe("a resumed run", () => {
  it("announces the step its lost worker was streaming, tagged as that step's events were, and stops naming it", async () => {
    const { sessionId, runId } = await newRun();
    await store.markStreaming(runId, "lost-step");
    await events.append(sessionId, "content", { type: "content", content: "partial", assistantMessageId: "lost-step", parentToolCallId: "task-1" });
    await events.append(sessionId, "tool_execution_complete", {
      type: "tool_execution_complete",
      toolCallId: "task-1",
      toolName: "Task",
      progress: "Interrupted",
      success: false,
    });
    const { seen, emit } = recorder(runId);

    await announceAbandonedStep({ steps: store, events, logger }, { id: runId, sessionId, streamingMessageId: "lost-step" }, emit);
    expect(seen.map(({ event, data }) => ({ event, data }))).toEqual([
      { event: "error", data: { type: STEP_RESTARTED, assistantMessageId: "lost-step", parentToolCallId: "task-1", error: expect.stringContaining("worker") } },
    ]);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).streamingMessageId).toBeNull();
  });

  it("announces nothing for a step that was stored, or when no step was streaming", async () => {
    const { sessionId, runId } = await newRun();
    const stored = await prisma.message.create({ data: { sessionId, turn: 1, role: "assistant" } });
    await store.markStreaming(runId, stored.id);
    const { seen, emit } = recorder(runId);

    await announceAbandonedStep({ steps: store, events, logger }, { id: runId, sessionId, streamingMessageId: stored.id }, emit);
    await announceAbandonedStep({ steps: store, events, logger }, { id: runId, sessionId, streamingMessageId: null }, emit);
    expect(seen).toEqual([]);
    expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).streamingMessageId).toBeNull();
  });
});
