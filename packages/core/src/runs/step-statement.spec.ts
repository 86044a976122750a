/**
 * A step stored in one statement, against real Postgres: its message and parts (in order, with
 * their JSON), its tokens and cost added to the session and to the sessions it rolls up into,
 * the run no longer naming it, its usage recorded; and the transcript reads it back. A run's
 * last step completes the run in the same write, unless the run ended meanwhile.
 */
import { createTestDatabase, type TestDatabase } from "@mix/testing";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import type { StepRecord } from "../agent/step-store";
import { insertUserMessage } from "../messages/insert-user-message";
import { RunStepStore } from "./run-step-store";

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase("stepstatement");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

it("stores a step, its usage and its roll-up in one go, and reads it back in the transcript", async () => {
  const workspace = await prisma.workspace.create({ data: { name: "steps" } });
  const parent = await prisma.session.create({ data: { workspaceId: workspace.id, title: "parent" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "child", cost: 0.5 } });
  const runId = (await insertUserMessage(prisma, {
    workspaceId: workspace.id,
    sessionId: session.id,
    text: "hi",
    planMode: false,
    thinkingLevel: null,
    idempotencyKey: null,
  }))!;
  const messageId = "00000000-0000-4000-8000-000000000001";
  await prisma.run.update({ where: { id: runId }, data: { streamingMessageId: messageId } });
  const record: StepRecord = {
    workspaceId: workspace.id,
    runId,
    sessionId: session.id,
    rollUpSessionIds: [parent.id],
    turn: 1,
    messageId,
    provider: "scripted",
    model: "m1",
    step: {
      text: 'answer\'s "text"',
      reasoning: "why",
      reasoningDurationMs: 12,
      reasoningBlocks: [{ text: "why", durationMs: 12, providerMetadata: { anthropic: { signature: "s" } } }],
      toolCalls: [{ id: "call-1", name: "Read", input: '{"path":"a b.txt","n":[1,2]}' }],
      finishReason: "tool-calls",
      usage: { promptTokens: 10, completionTokens: 4 },
      interrupted: false,
    },
    usage: { promptTokens: 10, completionTokens: 4, cacheReadTokens: 3, cost: 0.125 },
    sentBy: { apiKeyId: null, memberId: null },
  };
  const store = new RunStepStore(prisma);
  expect(await store.saveStep(record)).toBe(3);

  const message = await prisma.message.findUniqueOrThrow({ where: { id: messageId }, include: { parts: { orderBy: { index: "asc" } } } });
  expect(message).toMatchObject({ sessionId: session.id, turn: 1, role: "assistant", model: "m1", finishReason: "tool-calls" });
  expect(message.parts.map((part) => [part.index, part.type, part.data])).toEqual([
    [0, "reasoning", { type: "reasoning", text: "why", durationMs: 12, providerMetadata: { anthropic: { signature: "s" } } }],
    [1, "text", { type: "text", text: 'answer\'s "text"' }],
    [2, "tool_call", { type: "tool_call", toolCallId: "call-1", name: "Read", input: '{"path":"a b.txt","n":[1,2]}' }],
  ]);
  for (const [id, cost] of [
    [session.id, 0.625],
    [parent.id, 0.125],
  ] as const) {
    expect(await prisma.session.findUniqueOrThrow({ where: { id } })).toMatchObject({
      promptTokens: 10,
      completionTokens: 4,
      cacheReadTokens: 3,
      cacheWriteTokens: 0,
      cost,
    });
  }
  expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).streamingMessageId).toBeNull();
  expect(await prisma.usageRecord.findMany({ where: { runId } })).toMatchObject([
    {
      workspaceId: workspace.id,
      sessionId: session.id,
      provider: "scripted",
      model: "m1",
      promptTokens: 10,
      completionTokens: 4,
      cacheReadTokens: 3,
      cacheWriteTokens: 0,
      cost: 0.125,
      apiKeyId: null,
    },
  ]);

  const transcript = await store.transcript(session.id, 1);
  expect(transcript.map(({ role, parts }) => [role, parts.map((part) => part.type)])).toEqual([
    ["user", ["text"]],
    ["assistant", ["reasoning", "text", "tool_call"]],
  ]);
  expect(transcript[1]!.parts[2]).toEqual(message.parts[2]!.data);
});

/** A run of a new session that names `streaming` as its streaming step, and a text-only step for it (its last, with `endsRun`). */
async function runWithStep(streaming: string, messageId: string, run: { status?: "running" | "cancelled"; error?: string; endsRun?: boolean } = {}) {
  const workspace = await prisma.workspace.create({ data: { name: "step" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  const runId = (await insertUserMessage(prisma, {
    workspaceId: workspace.id,
    sessionId: session.id,
    text: "hi",
    planMode: false,
    thinkingLevel: null,
    idempotencyKey: null,
  }))!;
  await prisma.run.update({
    where: { id: runId },
    data: { streamingMessageId: streaming, ...(run.status ? { status: run.status } : {}), error: run.error ?? null },
  });
  const record: StepRecord = {
    workspaceId: workspace.id,
    runId,
    sessionId: session.id,
    rollUpSessionIds: [],
    turn: 1,
    messageId,
    provider: "scripted",
    model: "m",
    step: {
      text: "",
      reasoning: "",
      reasoningDurationMs: 0,
      reasoningBlocks: [],
      toolCalls: [],
      finishReason: "stop",
      usage: { promptTokens: 0, completionTokens: 0 },
      interrupted: false,
    },
    usage: { promptTokens: 0, completionTokens: 0, cost: 0 },
    sentBy: { apiKeyId: null, memberId: null },
    ...(run.endsRun ? { endsRun: true } : {}),
  };
  return { runId, record };
}

it("leaves a run naming a newer step as it is", async () => {
  const { runId, record } = await runWithStep("newer", "00000000-0000-4000-8000-000000000002");
  await new RunStepStore(prisma).saveStep(record);
  expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).streamingMessageId).toBe("newer");
  // An empty step is still one text part.
  expect(await prisma.part.count({ where: { messageId: "00000000-0000-4000-8000-000000000002" } })).toBe(1);
});

describe("a run's last step", () => {
  it("completes its run in the same write", async () => {
    const messageId = "00000000-0000-4000-8000-000000000003";
    const { runId, record } = await runWithStep(messageId, messageId, { status: "running", endsRun: true });
    await new RunStepStore(prisma).saveStep(record);
    const run = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(run).toMatchObject({ status: "completed", streamingMessageId: null, error: null });
    // Stored as Prisma stores times (UTC), whatever the server's time zone.
    expect(Math.abs(run.finishedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    expect(await prisma.message.count({ where: { id: messageId } })).toBe(1);
  });

  it("stores the step but leaves a run that ended meanwhile as it ended", async () => {
    const messageId = "00000000-0000-4000-8000-000000000004";
    const { runId, record } = await runWithStep(messageId, messageId, { status: "cancelled", error: "kept", endsRun: true });
    await new RunStepStore(prisma).saveStep(record);
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "cancelled", finishedAt: null, error: "kept" });
    expect(await prisma.message.count({ where: { id: messageId } })).toBe(1);
  });
});
