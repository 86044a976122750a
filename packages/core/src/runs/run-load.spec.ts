/**
 * The one-query run load against real Postgres: what it returns equals what Prisma's `include`
 * of the same tree returns (types included: dates, the message's BigInt position, JSON), with
 * and without workspace preferences, and only the user message's text parts, in order. A column
 * added later that the load does not give its Prisma type makes this fail. Also what a run's
 * start reads with it: a first start's transcript, what it is grounded on, and a resumed run's
 * count of steps taken.
 */
import { createTestDatabase, type TestDatabase } from "@mix/testing";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { insertUserMessage } from "../messages/insert-user-message";
import { loadRun, RUN_LOAD_INCLUDE } from "./run-load";
import { RunStore } from "./run-store";
import { RunStepStore } from "./run-step-store";

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase("runload");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function newRun(withPreferences: boolean): Promise<string> {
  const workspace = await prisma.workspace.create({ data: { name: "load" } });
  if (withPreferences) {
    await prisma.workspacePreferences.create({
      data: {
        workspaceId: workspace.id,
        preferredProvider: "scripted",
        mainAgentModel: "main",
        subAgentModel: "sub",
        mainAgentMaxTokens: 1000,
        subAgentMaxTokens: 500,
        mainAgentReasoningEffort: "low",
        subAgentReasoningEffort: "high",
      },
    });
  }
  const session = await prisma.session.create({
    data: { workspaceId: workspace.id, title: "load", callbacks: [{ trigger: "x", action: "y" }], cost: 0.25, modelProvider: "scripted" },
  });
  const text = "first text";
  const id = await insertUserMessage(prisma, {
    workspaceId: workspace.id,
    sessionId: session.id,
    text,
    planMode: false,
    thinkingLevel: "high",
    idempotencyKey: "k",
  });
  // A second text part and one that is not text (left out), stored out of order.
  await prisma.part.create({ data: { messageId: id!, index: 2, type: "text", data: { type: "text", text: " third" } } });
  await prisma.part.create({ data: { messageId: id!, index: 1, type: "error", data: { type: "error", message: "not text" } } });
  await prisma.run.update({ where: { id: id! }, data: { status: "running", startedAt: new Date("2026-01-02T03:04:05.678Z"), cancelRequestedAt: new Date() } });
  return id!;
}

it.each([
  ["with workspace preferences", true],
  ["without workspace preferences", false],
])("loads a run as Prisma's include does (%s)", async (_, withPreferences) => {
  const runId = await newRun(withPreferences);
  const expected = await prisma.run.findUnique({ where: { id: runId }, include: RUN_LOAD_INCLUDE });
  const { earlierRunActive, transcript, grounding, startedAs, ...loaded } = (await loadRun(prisma, runId))!;
  expect(loaded).toEqual(expected);
  expect(grounding).toEqual({ team: null, product: null, voice: null, facts: null, hasDocuments: false, stored: null });
  expect(earlierRunActive).toBe(false);
  expect(transcript).toBeNull();
  expect(startedAs).toBeNull();
  expect(loaded.startedAt).toEqual(new Date("2026-01-02T03:04:05.678Z"));
  expect(typeof loaded.message.position).toBe("bigint");
  expect(loaded.message.parts.map((part) => (part.data as { text: string }).text)).toEqual(["first text", " third"]);
  expect(loaded.session.workspace.preferences === null).toBe(!withPreferences);
});

it("says whether a run of an earlier turn of the session is still active", async () => {
  const first = await newRun(true);
  const { sessionId, session } = (await loadRun(prisma, first))!;
  const second = (await insertUserMessage(prisma, {
    workspaceId: session.workspaceId,
    sessionId,
    text: "next",
    planMode: false,
    thinkingLevel: null,
    idempotencyKey: null,
  }))!;
  expect((await loadRun(prisma, second))!.earlierRunActive).toBe(true);
  expect((await loadRun(prisma, first))!.earlierRunActive).toBe(false);
  await prisma.run.update({ where: { id: first }, data: { status: "completed" } });
  expect((await loadRun(prisma, second))!.earlierRunActive).toBe(false);
});

it("loads nothing for a run that is gone", async () => {
  expect(await loadRun(prisma, "no-such-run")).toBeNull();
});

it("carries the workspace's plan, and a first start's mark leaves a run alone whose cancel is stored or that ended", async () => {
  const id = await newRun(false);
  const loaded = (await loadRun(prisma, id))!;
  expect(loaded.session.workspace.plan).toBe("default");
  const runs = new RunStore(prisma);
  // newRun's run has a cancel stored: not marked, left as it was.
  expect(await runs.markRunning(id, "step-1", { unlessCancelRequested: true })).toBe(false);
  expect((await prisma.run.findUniqueOrThrow({ where: { id } })).attempts).toBe(loaded.attempts);
  await prisma.run.update({ where: { id }, data: { cancelRequestedAt: null, status: "queued" } });
  expect(await runs.markRunning(id, "step-1", { unlessCancelRequested: true })).toBe(true);
  const marked = await prisma.run.findUniqueOrThrow({ where: { id } });
  expect(marked).toMatchObject({ status: "running", streamingMessageId: "step-1", attempts: loaded.attempts + 1 });
  // Stored as Prisma stores times (UTC), whatever the server's time zone.
  expect(Math.abs(marked.startedAt!.getTime() - Date.now())).toBeLessThan(60_000);
  await runs.finish(id, "completed");
  expect(await runs.markRunning(id, undefined, { unlessCancelRequested: true })).toBe(false);
  expect((await prisma.run.findUniqueOrThrow({ where: { id } })).status).toBe("completed");
});

describe("a first start's transcript, read with the run", () => {
  /** A session whose first turn is answered (two assistant steps, a tool call and its result) and whose second run is queued. */
  async function answeredThenQueued(): Promise<{ sessionId: string; second: string }> {
    const workspace = await prisma.workspace.create({ data: { name: "transcript" } });
    const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "transcript" } });
    const send = (text: string) =>
      insertUserMessage(prisma, { workspaceId: workspace.id, sessionId: session.id, text, planMode: false, thinkingLevel: null, idempotencyKey: null });
    const first = (await send("list the files"))!;
    await prisma.message.create({
      data: {
        sessionId: session.id,
        turn: 1,
        role: "assistant",
        parts: {
          create: [
            { index: 1, type: "tool_call", data: { type: "tool_call", toolCallId: "c1", name: "Bash", input: { command: "ls" } } },
            { index: 0, type: "text", data: { type: "text", text: "Looking." } },
            { index: 2, type: "tool_result", data: { type: "tool_result", toolCallId: "c1", output: 'a.txt\n"b é"' } },
          ],
        },
      },
    });
    await prisma.message.create({
      data: { sessionId: session.id, turn: 1, role: "assistant", parts: { create: [{ index: 0, type: "text", data: { type: "text", text: "Two files." } }] } },
    });
    await prisma.run.update({ where: { id: first }, data: { status: "completed" } });
    const second = (await send("and now?"))!;
    return { sessionId: session.id, second };
  }

  it("equals the transcript the run would read, up to its turn, in order", async () => {
    const { sessionId, second } = await answeredThenQueued();
    const loaded = (await loadRun(prisma, second, { transcript: true }))!;
    const expected = await new RunStepStore(prisma).transcript(sessionId, 2);
    expect(expected.map((message) => message.role)).toEqual(["user", "assistant", "assistant", "user"]);
    expect(loaded.transcript).toEqual(expected);
    expect(loaded.transcript![1]!.parts.map((part) => part.type)).toEqual(["text", "tool_call", "tool_result"]);
    // Not asked for: none (the cancel service and the recovery sweep load runs too).
    expect((await loadRun(prisma, second))!.transcript).toBeNull();
  });

  it("is not read for a run that must wait, was started before, or has a cancel stored", async () => {
    const { second } = await answeredThenQueued();
    const { sessionId, session } = (await loadRun(prisma, second))!;
    const third = (await insertUserMessage(prisma, {
      workspaceId: session.workspaceId,
      sessionId,
      text: "later",
      planMode: false,
      thinkingLevel: null,
      idempotencyKey: null,
    }))!;
    // The second run is still queued: the third waits for it.
    expect((await loadRun(prisma, third, { transcript: true }))!).toMatchObject({ earlierRunActive: true, transcript: null });
    await prisma.run.update({ where: { id: second }, data: { status: "running", startedAt: new Date() } });
    expect((await loadRun(prisma, second, { transcript: true }))!.transcript).toBeNull();
    await prisma.run.update({ where: { id: second }, data: { status: "queued", startedAt: null, cancelRequestedAt: new Date() } });
    expect((await loadRun(prisma, second, { transcript: true }))!.transcript).toBeNull();
  });

  it("is an empty list for a session's first run, not null", async () => {
    const runId = await newRun(false);
    await prisma.run.update({ where: { id: runId }, data: { status: "queued", startedAt: null, cancelRequestedAt: null } });
    const loaded = (await loadRun(prisma, runId, { transcript: true }))!;
    expect(loaded.transcript!.map((message) => message.role)).toEqual(["user"]);
    expect(loaded.transcript![0]!.parts).toHaveLength(3);
  });
});

describe("a first start marked running by its load", () => {
  async function queuedRun(): Promise<string> {
    const runId = await newRun(false);
    await prisma.run.update({ where: { id: runId }, data: { status: "queued", startedAt: null, cancelRequestedAt: null, attempts: 0 } });
    return runId;
  }

  it("marks the run running with its first step named, and reads it as it was", async () => {
    const runId = await queuedRun();
    const before = Date.now();
    const loaded = (await loadRun(prisma, runId, { transcript: true, startAs: "step-first" }))!;
    expect(loaded).toMatchObject({ startedAs: "step-first", status: "queued", startedAt: null, attempts: 0, streamingMessageId: null });
    expect(loaded.transcript).not.toBeNull();
    const stored = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect(stored).toMatchObject({ status: "running", streamingMessageId: "step-first", attempts: 1 });
    // Stored as Prisma stores times (UTC), whatever the server's time zone.
    expect(stored.startedAt!.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(stored.startedAt!.getTime()).toBeLessThan(Date.now() + 1_000);
  });

  it("marks nothing unless asked to", async () => {
    const runId = await queuedRun();
    expect((await loadRun(prisma, runId, { transcript: true }))!.startedAs).toBeNull();
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId } })).toMatchObject({ status: "queued", startedAt: null, attempts: 0 });
  });

  it.each([
    ["has a cancel stored", { cancelRequestedAt: new Date() }],
    ["was started before", { status: "running" as const, startedAt: new Date("2026-01-01T00:00:00Z") }],
    ["has ended", { status: "cancelled" as const }],
  ])("leaves a run alone that %s", async (_, change) => {
    const runId = await queuedRun();
    await prisma.run.update({ where: { id: runId }, data: change });
    const before = await prisma.run.findUniqueOrThrow({ where: { id: runId } });
    expect((await loadRun(prisma, runId, { startAs: "step-x" }))!.startedAs).toBeNull();
    expect(await prisma.run.findUniqueOrThrow({ where: { id: runId } })).toEqual(before);
  });

  it("leaves a run alone that must wait for an earlier turn's", async () => {
    const first = await queuedRun();
    const { sessionId, session } = (await loadRun(prisma, first))!;
    const second = (await insertUserMessage(prisma, {
      workspaceId: session.workspaceId,
      sessionId,
      text: "second",
      planMode: false,
      thinkingLevel: null,
      idempotencyKey: null,
    }))!;
    expect((await loadRun(prisma, second, { startAs: "step-2" }))!).toMatchObject({ earlierRunActive: true, startedAs: null });
    expect((await prisma.run.findUniqueOrThrow({ where: { id: second } })).status).toBe("queued");
    await prisma.run.update({ where: { id: first }, data: { status: "completed" } });
    expect((await loadRun(prisma, second, { startAs: "step-2" }))!.startedAs).toBe("step-2");
  });
});

it("counts a turn's model steps for a resumed run, not a compaction's marker", async () => {
  const workspace = await prisma.workspace.create({ data: { name: "steps" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "steps" } });
  const assistant = (data: object) =>
    prisma.message.create({ data: { sessionId: session.id, turn: 1, role: "assistant", parts: { create: [{ index: 0, type: "tool_call", data }] } } });
  await assistant({ type: "tool_call", toolCallId: "call_1", name: "Bash", input: {} });
  await assistant({ type: "tool_call", toolCallId: "compaction_m1", name: "compact", input: {} });
  // A model's own call of a tool that happens to be named `compact` is a step like any other.
  await assistant({ type: "tool_call", toolCallId: "call_2", name: "compact", input: {} });
  await prisma.message.create({ data: { sessionId: session.id, turn: 2, role: "assistant" } });
  expect(await new RunStepStore(prisma).stepsTaken(session.id, 1)).toBe(2);
});

it("brings what the run is grounded on: the workspace profile, whether it has documents, the sources stored", async () => {
  const runId = await newRun(false);
  const { session } = (await loadRun(prisma, runId))!;
  await prisma.workspaceProfile.create({ data: { workspaceId: session.workspaceId, team: "Ops", product: "Kettles", voice: "", facts: "Ships Mondays" } });
  await prisma.knowledgeDocument.create({
    data: { workspaceId: session.workspaceId, title: "Manual", format: "text", origin: "text", bytes: 4, text: "kept" },
  });
  const sources = [{ marker: 1, documentId: "d", chunkId: "c", title: "Manual", position: 0 }];
  await prisma.run.update({ where: { id: runId }, data: { knowledgeSources: sources } });
  expect((await loadRun(prisma, runId))!.grounding).toEqual({
    team: "Ops",
    product: "Kettles",
    voice: "",
    facts: "Ships Mondays",
    hasDocuments: true,
    stored: sources,
  });
});
