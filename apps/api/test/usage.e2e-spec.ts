/**
 * Usage per workspace, key, member, model and day, on a real stack with a priced model on the
 * wire: each run records the key and member that sent it, GET /api/workspace/usage sums exactly
 * what was run, and the command line (`pnpm mix usage`, `credits`, `plan`) answers the same,
 * through the same services and checks.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import { openAiTextReply, openAiToolCallReply } from "@mix/testing";
import { SYSTEM_ACTOR } from "@mix/core";
import { runCli, type OpenContext } from "../src/cli/run-cli";
import { allowAllTools, converse, FAKE_PRICE, startAgentStack, type AgentStack } from "./helpers/agent-stack";
import { bearer } from "./helpers/test-stack";

const PLANS = { metered: { title: "Metered", models: ["openai-compatible/*"], monthlyCredits: 0.3 } };
const usage = (promptTokens: number, completionTokens: number) => ({ usage: { promptTokens, completionTokens } });
const costOf = (promptTokens: number, completionTokens: number) => (promptTokens * FAKE_PRICE.input + completionTokens * FAKE_PRICE.output) / 1_000_000;
const today = () => new Date().toISOString().slice(0, 10);

let stack: AgentStack;
let plansDir: string;
/** The workspace under test: an owner's key, a member's key and a service's key. */
let workspaceId: string;
let owner: { secret: string; id: string };
let alice: { secret: string; id: string; memberId: string };
let ci: { secret: string; id: string };

const services = () => stack.apis[0]!.api.services;
const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

beforeAll(async () => {
  plansDir = await mkdtemp(join(tmpdir(), "mix-usage-"));
  await writeFile(join(plansDir, "plans.json"), JSON.stringify(PLANS));
  stack = await startAgentStack({ label: "usage", env: { PLANS_FILE: join(plansDir, "plans.json") } });
  const created = await services().apiKeys.createWorkspace("usage");
  workspaceId = created.workspaceId;
  owner = { secret: created.apiKey, id: (await services().apiKeys.authenticate(created.apiKey))!.apiKeyId };
  await allowAllTools(stack.url, owner.secret);
  const acting = { actor: SYSTEM_ACTOR, role: "owner" as const };
  const member = await services().members.add(workspaceId, acting, { name: "Alice", email: "alice@example.com", role: "member" });
  const aliceKey = await services().keysAdmin.create(workspaceId, acting, { name: "alice laptop", role: "member", memberId: member.id });
  alice = { secret: aliceKey.secret, id: aliceKey.key.id, memberId: member.id };
  const ciKey = await services().keysAdmin.create(workspaceId, acting, { name: "ci", role: "member" });
  ci = { secret: ciKey.secret, id: ciKey.key.id };

  // Alice: one run of two calls; ci: one run of one call; the owner: one chat reply.
  stack.fake
    .reply(openAiToolCallReply([{ id: "call_ls", name: "list_directory", input: {} }], usage(100, 10)))
    .reply(openAiTextReply("Listed.", usage(200, 20)));
  await converse(stack, "list it", { key: alice.secret });
  stack.fake.reply(openAiTextReply("Built.", usage(300, 30)));
  await converse(stack, "build it", { key: ci.secret });
  stack.fake.reply(openAiTextReply("Chatted.", usage(400, 40)));
  const chat = await request(stack.url).post("/api/chat").set(bearer(owner.secret)).send({ message: "chat" });
  expect(chat.status).toBe(200);
  expect(chat.text).toBe("Chatted.");
  // Another workspace's usage is never counted here.
  stack.fake.reply(openAiTextReply("Elsewhere.", usage(9_000, 900)));
  await converse(stack, "elsewhere");
});
afterAll(async () => {
  await stack?.close();
  await rm(plansDir, { recursive: true, force: true });
});

const report = async (query: string, key = owner.secret) => (await request(stack.url).get(`/api/workspace/usage${query}`).set(bearer(key)).expect(200)).body;
const rowOf = (body: { rows: { key: string | null; cost: number }[] }, key: string | null) => body.rows.find((row) => row.key === key);

it("stores who sent each message on its run", async () => {
  const runs = await prisma().run.findMany({ where: { session: { workspaceId } }, select: { apiKeyId: true, memberId: true } });
  expect(runs).toEqual(
    expect.arrayContaining([
      { apiKeyId: alice.id, memberId: alice.memberId },
      { apiKeyId: ci.id, memberId: null },
      { apiKeyId: owner.id, memberId: null },
    ]),
  );
  expect(runs).toHaveLength(3);
});

it("sums usage per key, with each key's name", async () => {
  const body = await report("?groupBy=key");
  expect(body).toMatchObject({ groupBy: "key", to: today() });
  expect(rowOf(body, alice.id)).toMatchObject({ label: expect.stringContaining("alice laptop"), promptTokens: 300, completionTokens: 30, runs: 1, calls: 2 });
  expect(rowOf(body, alice.id)!.cost).toBeCloseTo(costOf(300, 30), 10);
  expect(rowOf(body, ci.id)).toMatchObject({ label: expect.stringContaining("ci"), promptTokens: 300, completionTokens: 30, runs: 1, calls: 1 });
  expect(rowOf(body, owner.id)).toMatchObject({ promptTokens: 400, completionTokens: 40, runs: 1, calls: 1 });
  expect(body.rows).toHaveLength(3);
  // Biggest spender first.
  expect(body.rows[0].key).toBe(owner.id);
});

it("sums usage per member, service keys' under none", async () => {
  const body = await report("?groupBy=member");
  expect(rowOf(body, alice.memberId)).toMatchObject({ label: "Alice <alice@example.com>", promptTokens: 300, runs: 1, calls: 2 });
  expect(rowOf(body, null)).toMatchObject({ label: null, promptTokens: 700, completionTokens: 70, runs: 2, calls: 2 });
  expect(body.rows).toHaveLength(2);
});

it("sums usage per model and per day, with totals that match the workspace's runs", async () => {
  const total = { promptTokens: 1_000, completionTokens: 100, runs: 3, calls: 4 };
  const byModel = await report("?groupBy=model");
  expect(byModel.rows).toEqual([expect.objectContaining({ key: "openai-compatible/fake-model", ...total })]);
  expect(byModel.total).toMatchObject(total);
  expect(byModel.total.cost).toBeCloseTo(costOf(1_000, 100), 10);
  const byDay = await report("");
  expect(byDay).toMatchObject({ groupBy: "day", rows: [expect.objectContaining({ key: today(), ...total })], total });
  // The sessions' own totals agree.
  const sessions = await prisma().session.aggregate({ where: { workspaceId }, _sum: { promptTokens: true, cost: true } });
  expect(sessions._sum.promptTokens).toBe(1_000);
  expect(byDay.total.cost).toBeCloseTo(sessions._sum.cost!, 10);
  // A range without calls reports nothing.
  expect(await report("?from=2020-01-01&to=2020-01-31&groupBy=model")).toMatchObject({
    from: "2020-01-01",
    to: "2020-01-31",
    rows: [],
    total: { calls: 0, cost: 0 },
  });
});

it("defaults to the last 30 days, and refuses a range that is backwards, too long or not a date", async () => {
  const body = await report("");
  expect(Date.parse(body.to) - Date.parse(body.from)).toBe(29 * 86_400_000);
  for (const query of [
    "?from=2026-03-10&to=2026-03-01",
    "?from=2020-01-01&to=2021-06-01",
    "?from=2026-02-30",
    "?to=yesterday",
    "?groupBy=week",
    "?from=9999-99-99",
  ]) {
    const response = await request(stack.url).get(`/api/workspace/usage${query}`).set(bearer(owner.secret));
    expect([query, response.status, response.body.error?.code]).toEqual([query, 400, 400]);
  }
  // Members may not read it.
  expect((await request(stack.url).get("/api/workspace/usage").set(bearer(alice.secret))).status).toBe(403);
});

/** `pnpm mix ...` in this process, over the stack's own services. */
async function mix(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const api = stack.apis[0]!.api;
  const open: OpenContext = async (io) => ({
    context: { config: stack.config, application: { infrastructure: api.infrastructure, services: api.services }, out: (line) => io.out(line) },
    close: async () => undefined,
  });
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) }, open);
  return { code, out, err };
}

it("reports the same usage on the command line", async () => {
  const json = await mix("usage", "--workspace", workspaceId, "--by", "key", "--json");
  expect(json.code).toBe(0);
  expect(JSON.parse(json.out.join("\n"))).toEqual(await report("?groupBy=key"));
  const table = await mix("usage", "--workspace", workspaceId, "--by", "model");
  expect(table.code).toBe(0);
  expect(table.out[1]).toBe("model\tname\tpromptTokens\tcompletionTokens\tcost\truns\tcalls");
  expect(table.out).toContainEqual(expect.stringMatching(/^openai-compatible\/fake-model\t-\t1000\t100\t0\.003000\t3\t4$/));
  expect((await mix("usage", "--workspace", workspaceId, "--by", "week")).code).toBe(1);
  expect((await mix("usage", "--workspace", "no-such-workspace")).code).toBe(1);
  expect((await mix("usage")).code).toBe(2);
});

it("lists plans, changes a plan and tops up on the command line, audited as the system", async () => {
  expect((await mix("plan", "list")).out.join("\n")).toMatch(/metered\tMetered\topenai-compatible\/\*.*\t0\.3/);
  const set = await mix("plan", "set", "metered", "--workspace", workspaceId);
  expect(set).toMatchObject({ code: 0, err: [] });
  expect(set.out[0]).toContain("plan default -> metered");
  expect((await mix("plan", "set", "platinum", "--workspace", workspaceId)).code).toBe(1);

  const topUp = await mix("credits", "top-up", "2.5", "--workspace", workspaceId, "--note", "from the cli");
  expect(topUp).toMatchObject({ code: 0, err: [] });
  expect(topUp.out[0]).toMatch(/top_up 2\.5 USD\tbalance 2\.8 USD$/);
  for (const amount of ["abc", "0", "-5", "1e9"]) {
    const refused = await mix("credits", "top-up", "--workspace", workspaceId, "--", amount);
    expect([amount, refused.code]).toEqual([amount, 1]);
  }
  const adjusted = await mix("credits", "adjust", "--workspace", workspaceId, "--", "-0.5");
  expect(adjusted.code).toBe(0);
  const balance = await mix("credits", "balance", "--workspace", workspaceId);
  expect(balance.out[0]).toMatch(/^plan metered\tbalance 2\.3 USD\t0\.3 USD a month/);
  expect(balance.out.join("\n")).toContain("from the cli");

  const audited = await prisma().auditEntry.findMany({
    where: { workspaceId, action: { in: ["credits.changed", "workspace.plan_changed"] } },
    orderBy: { createdAt: "asc" },
  });
  expect(audited.map((entry) => [entry.action, entry.actorKeyId])).toEqual([
    ["workspace.plan_changed", null],
    ["credits.changed", null],
    ["credits.changed", null],
  ]);
});
