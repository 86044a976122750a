/**
 * Credits on a real stack (Postgres, Redis, a worker, a priced model on the wire): each model
 * call's cost is debited with its step; a run whose credits run out mid-way stops before its
 * next call with an `error` and a `complete` of type credits_exhausted, its earlier steps kept;
 * a new message at zero is refused with 402 on every send route; a top-up lets it through; the
 * monthly grant is added once; the default plan meters nothing; top-ups are bounded, audited
 * and kept to their workspace.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { allowAllTools, converse, FAKE_PRICE, named, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { createRoleKeys, workspaceOf } from "./helpers/role-keys";
import { createSession } from "./helpers/session-fixtures";
import { bearer } from "./helpers/test-stack";

/** Metered plans for the fake provider's model: 0.3 USD a month, and an upgrade of it. */
const PLANS = {
  metered: { title: "Metered", models: ["openai-compatible/*"], monthlyCredits: 0.3 },
  "metered-plus": { title: "Metered plus", models: ["openai-compatible/*"], monthlyCredits: 1 },
};
/** 100k prompt tokens at FAKE_PRICE: 0.2 USD a call. */
const PROMPT_TOKENS = 100_000;
const CALL_COST = (PROMPT_TOKENS * FAKE_PRICE.input) / 1_000_000;
const usage = (promptTokens: number, completionTokens = 0) => ({ usage: { promptTokens, completionTokens } });

let stack: AgentStack;
let plansDir: string;
const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

beforeAll(async () => {
  plansDir = await mkdtemp(join(tmpdir(), "mix-credits-"));
  await writeFile(join(plansDir, "plans.json"), JSON.stringify(PLANS));
  // The fake reports 100,000 prompt tokens a call, near its model's window: no compaction muddles the call count.
  stack = await startAgentStack({ label: "credits", env: { PLANS_FILE: join(plansDir, "plans.json"), COMPACTION_THRESHOLD: "0" } });
});
afterAll(async () => {
  await stack?.close();
  await rm(plansDir, { recursive: true, force: true });
});

/** A new workspace on the metered plan (0.3 USD granted by the change), every tool allowed. */
async function meteredWorkspace(plan = "metered"): Promise<{ key: string; workspaceId: string }> {
  const { apiKey, workspaceId } = await stack.apis[0]!.api.services.apiKeys.createWorkspace(`credits-${plan}`);
  await request(stack.url).put("/api/workspace/plan").set(bearer(apiKey)).send({ plan }).expect(200);
  await allowAllTools(stack.url, apiKey);
  return { key: apiKey, workspaceId };
}

const credits = async (key: string, query = "") => (await request(stack.url).get(`/api/workspace/credits${query}`).set(bearer(key)).expect(200)).body;

it("meters nothing on the default plan, and still records each call's usage", async () => {
  const workspaceId = await workspaceOf(stack.apis[0]!.api.services, stack.key);
  stack.fake.reply(openAiTextReply("Free of charge.", usage(PROMPT_TOKENS)));
  const { sessionId, events } = await converse(stack, "hello");
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "Free of charge." });
  expect(await credits(stack.key)).toMatchObject({ plan: "default", metered: false, balance: 0, nextGrantAt: null, entries: [] });
  const records = await prisma().usageRecord.findMany({ where: { sessionId } });
  expect(records).toEqual([expect.objectContaining({ workspaceId, provider: "openai-compatible", model: "fake-model", promptTokens: PROMPT_TOKENS })]);
  expect(records[0]!.cost).toBeCloseTo(CALL_COST, 10);
  // At a balance of 0 a message on an unmetered plan is still accepted.
  stack.fake.reply(openAiTextReply("Again.", usage(10)));
  await converse(stack, "again", { sessionId });
});

it("stops a run whose credits run out mid-way before its next model call, keeping what it stored", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  expect(await credits(key)).toMatchObject({ plan: "metered", metered: true, balance: 0.3, grantedThisPeriod: 0.3 });
  // Two calls that each ask for a tool; a third would answer, but the balance is gone by then.
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_1", name: "list_directory", input: {} }], usage(PROMPT_TOKENS)))
    .reply(openAiToolCallReply([{ id: "call_2", name: "list_directory", input: {} }], usage(PROMPT_TOKENS)));
  const before = stack.fake.requests.length;
  const { sessionId, events } = await converse(stack, "list it twice", { key });

  expect(stack.fake.requests.length - before).toBe(2);
  expect(named(events, "tool_execution_complete")).toHaveLength(2);
  expect(named(events, "error").map((event) => event.data)).toEqual([
    expect.objectContaining({ type: "credits_exhausted", error: expect.stringContaining("credits are used up") }),
  ]);
  expect(events.at(-1)).toMatchObject({ event: "complete", data: { type: "credits_exhausted", done: true } });
  const run = await prisma().run.findFirstOrThrow({ where: { sessionId } });
  expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("credits are used up") });

  // The partial answer: both steps with their tool results, then the reason.
  const messages = (await request(stack.url).get(`/api/sessions/${sessionId}/messages`).set(bearer(key)).expect(200)).body;
  expect(messages.map((message: { role: string }) => message.role)).toEqual(["user", "assistant", "assistant", "assistant"]);
  expect(messages[1].toolCalls).toEqual([expect.objectContaining({ id: "call_1", finished: true })]);
  expect(messages[2].toolCalls).toEqual([expect.objectContaining({ id: "call_2", finished: true })]);
  const errorParts = await prisma().part.findMany({ where: { message: { sessionId }, type: "error" } });
  expect(errorParts).toHaveLength(1);

  // Below zero by at most the one call that was running when it reached zero.
  const after = await credits(key);
  expect(after.balance).toBeCloseTo(0.3 - 2 * CALL_COST, 6);
  expect(after.balance).toBeGreaterThanOrEqual(-CALL_COST);
  expect(after.entries.map((entry: { kind: string; amount: number; runId: string | null }) => [entry.kind, entry.amount, entry.runId])).toEqual([
    ["debit", -CALL_COST, run.id],
    ["debit", -CALL_COST, run.id],
    ["grant", 0.3, null],
  ]);
  expect(after.entries[0].balanceAfter).toBeCloseTo(after.balance, 6);
  expect(await prisma().usageRecord.count({ where: { workspaceId, runId: run.id } })).toBe(2);
});

it("refuses a new message or chat at zero with 402 credits_exhausted on every route, writing nothing", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  // A message accepted before the balance went: its repeat (same Idempotency-Key) still answers as it did.
  const earlier = await createSession(stack.url, key);
  stack.fake.reply(openAiTextReply("Before.", usage(0)));
  await converse(stack, "before", { key, sessionId: earlier, headers: { "Idempotency-Key": "before-1" } });
  await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: -0.3, kind: "adjustment", note: "use it up" }).expect(201);
  expect((await credits(key)).balance).toBe(0);
  await request(stack.url).post(`/api/sessions/${earlier}/messages`).set(bearer(key)).set("Idempotency-Key", "before-1").send({ text: "before" }).expect(202);
  expect((await request(stack.url).post(`/api/sessions/${earlier}/messages`).set(bearer(key)).send({ text: "after" })).status).toBe(402);
  // Creating a session costs nothing: still allowed.
  const sessionId = await createSession(stack.url, key);
  const refusals = [
    await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hi" }),
    await request(stack.url).post(`/stream/${sessionId}/message`).set(bearer(key)).send({ content: "hi" }),
    await request(stack.url).post("/api/chat").set(bearer(key)).send({ message: "hi" }),
    await request(stack.url).post("/api/chat").set(bearer(key)).send({ message: "hi", conversationId: sessionId }),
  ];
  for (const response of refusals) {
    expect(response.status).toBe(402);
    expect(response.body.error).toMatchObject({
      code: 402,
      type: "bad_request",
      reason: "credits_exhausted",
      message: expect.stringContaining("POST /api/workspace/credits"),
    });
  }
  expect(await prisma().message.count({ where: { sessionId } })).toBe(0);
  expect(await prisma().message.count({ where: { session: { workspaceId }, role: "user" } })).toBe(1);
  expect(await prisma().session.count({ where: { workspaceId } })).toBe(2);
});

it("lets messages through again after a top-up, which is audited, and debits what they cost", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  const principal = (await stack.apis[0]!.api.services.apiKeys.authenticate(key))!;
  await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: -0.3, kind: "adjustment" }).expect(201);
  const sessionId = await createSession(stack.url, key);
  await request(stack.url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hi" }).expect(402);

  const topUp = (await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: 1.5, note: "invoice 42" }).expect(201)).body;
  expect(topUp.entry).toMatchObject({ kind: "top_up", amount: 1.5, balanceAfter: 1.5, note: "invoice 42", actorKeyId: principal.apiKeyId });
  expect(topUp.credits).toMatchObject({ balance: 1.5, metered: true });
  const audited = await prisma().auditEntry.findMany({ where: { workspaceId, action: "credits.changed" }, orderBy: { createdAt: "asc" } });
  expect(
    audited.map((entry) => [entry.actorKeyId, (entry.details as { kind: string; amount: number }).kind, (entry.details as { amount: number }).amount]),
  ).toEqual([
    [principal.apiKeyId, "adjustment", -0.3],
    [principal.apiKeyId, "top_up", 1.5],
  ]);

  stack.fake.reply(openAiTextReply("Paid for.", usage(1_000, 100)));
  const { events } = await converse(stack, "hi again", { key, sessionId });
  expect(events.at(-1)!.data).toMatchObject({ type: "complete", content: "Paid for." });
  const cost = (1_000 * FAKE_PRICE.input + 100 * FAKE_PRICE.output) / 1_000_000;
  expect((await credits(key)).balance).toBeCloseTo(1.5 - cost, 6);
});

it("adds the monthly grant once when a new month begins, however many ask at once", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  // As if the grant held were last month's.
  await prisma().workspace.update({ where: { id: workspaceId }, data: { creditPeriod: "2000-01" } });
  const seen = await Promise.all(Array.from({ length: 5 }, () => credits(key)));
  expect(new Set(seen.map((body) => body.balance))).toEqual(new Set([0.6]));
  const grants = await prisma().creditEntry.findMany({ where: { workspaceId, kind: "grant" }, orderBy: { createdAt: "asc" } });
  expect(grants.map((grant) => [Number(grant.amountMicros), grant.note])).toEqual([
    [300_000, expect.stringContaining("plan 'metered'")],
    [300_000, expect.stringMatching(/^monthly credits for \d{4}-\d{2}$/)],
  ]);
  expect((await prisma().workspace.findUniqueOrThrow({ where: { id: workspaceId } })).creditPeriod).toBe(new Date().toISOString().slice(0, 7));
});

it("grants an upgrade's difference at once, and never a month twice by switching back and forth", async () => {
  const { key } = await meteredWorkspace();
  await request(stack.url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "default" }).expect(200);
  const back = (await request(stack.url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "metered" }).expect(200)).body;
  expect(back.credits).toMatchObject({ balance: 0.3, grantedThisPeriod: 0.3 });
  const upgraded = (await request(stack.url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "metered-plus" }).expect(200)).body;
  expect(upgraded.credits).toMatchObject({ plan: "metered-plus", balance: 1, grantedThisPeriod: 1 });
  const down = (await request(stack.url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "metered" }).expect(200)).body;
  expect(down.credits).toMatchObject({ balance: 1, grantedThisPeriod: 1 });
});

it("refuses a top-up or adjustment that is not a bounded, non-zero amount, changing nothing", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  const bad: unknown[] = [
    { amount: -1 },
    { amount: 0 },
    { amount: "5" },
    { amount: "NaN" },
    { amount: null },
    { amount: 1e9 },
    { amount: 1e308 },
    { amount: 1_000_000.5 },
    { amount: 0.0000001 },
    { amount: -2_000_000, kind: "adjustment" },
    { amount: 1, kind: "grant" },
    { amount: 1, kind: "debit" },
    { amount: 1, extra: true },
    { amount: 1, note: "x".repeat(501) },
    { amount: 1, note: "nul\u0000byte" },
    {},
  ];
  for (const body of bad) {
    const response = await request(stack.url)
      .post("/api/workspace/credits")
      .set(bearer(key))
      .send(body as object);
    expect([response.status, response.body.error?.code]).toEqual([400, 400]);
  }
  const notJson = await request(stack.url).post("/api/workspace/credits").set(bearer(key)).set("Content-Type", "application/json").send('{"amount": NaN}');
  expect(notJson.status).toBe(400);
  expect(await prisma().creditEntry.count({ where: { workspaceId } })).toBe(1);
  expect((await credits(key)).balance).toBe(0.3);
  // The largest allowed, and a precise one, go through.
  await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: 1_000_000 }).expect(201);
  const precise = (await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: 0.000001 }).expect(201)).body;
  expect(precise.credits.balance).toBeCloseTo(1_000_000.300001, 6);
});

it("keeps credits to their workspace, and to its admins", async () => {
  const { key } = await meteredWorkspace();
  const other = await meteredWorkspace();
  await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount: 2 }).expect(201);
  expect((await credits(key)).balance).toBeCloseTo(2.3, 6);
  expect((await credits(other.key)).balance).toBe(0.3);
  const keys = await createRoleKeys(stack.apis[0]!.api.services, other.workspaceId);
  for (const role of ["member", "read_only"] as const) {
    expect((await request(stack.url).get("/api/workspace/credits").set(bearer(keys[role].secret))).status).toBe(403);
    expect((await request(stack.url).post("/api/workspace/credits").set(bearer(keys[role].secret)).send({ amount: 1 })).status).toBe(403);
  }
  expect((await credits(other.key)).balance).toBe(0.3);
});

it("pages the ledger newest first, and refuses a cursor or limit it did not hand out", async () => {
  const { key } = await meteredWorkspace();
  for (const amount of [1, 2, 3]) await request(stack.url).post("/api/workspace/credits").set(bearer(key)).send({ amount }).expect(201);
  const first = await credits(key, "?limit=2");
  expect(first.entries.map((entry: { amount: number }) => entry.amount)).toEqual([3, 2]);
  const second = await credits(key, `?limit=2&cursor=${first.nextCursor}`);
  expect(second.entries.map((entry: { amount: number }) => entry.amount)).toEqual([1, 0.3]);
  expect(second.nextCursor).toBeNull();
  for (const query of ["?limit=0", "?limit=201", "?limit=abc", "?cursor=not-a-cursor", "?cursor=%00"]) {
    expect((await request(stack.url).get(`/api/workspace/credits${query}`).set(bearer(key))).status).toBe(400);
  }
});

it("counts a metered run's tokens and cost the same in its usage records, its debits and its session", async () => {
  const { key, workspaceId } = await meteredWorkspace();
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_ls", name: "list_directory", input: {} }], usage(500, 50)))
    .reply(openAiTextReply("Counted.", usage(700, 70)));
  const { sessionId } = await converse(stack, "count me", { key });
  const session = await prisma().session.findUniqueOrThrow({ where: { id: sessionId } });
  const records = await prisma().usageRecord.findMany({ where: { workspaceId } });
  expect(records).toHaveLength(2);
  expect(records.reduce((sum, record) => sum + record.promptTokens, 0)).toBe(session.promptTokens);
  expect(records.reduce((sum, record) => sum + record.completionTokens, 0)).toBe(session.completionTokens);
  expect(records.reduce((sum, record) => sum + record.cost, 0)).toBeCloseTo(session.cost, 10);
  const debits = await prisma().creditEntry.findMany({ where: { workspaceId, kind: "debit" } });
  expect(-debits.reduce((sum, debit) => sum + Number(debit.amountMicros), 0) / 1_000_000).toBeCloseTo(session.cost, 6);
});
