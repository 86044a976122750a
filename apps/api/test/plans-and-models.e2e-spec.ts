/**
 * Plans and the models they allow, on the scripted deployment: GET /api/ai/models marks the
 * models a workspace's plan lacks as requiresPaid; choosing one (session create, preferences, a
 * chat's model) or sending a message whose run would call one answers 403 model_not_in_plan
 * before anything is written; a run whose model left the plan after it was queued fails, saying
 * so. Plan changes are admin-only, checked, audited, and touch no other workspace.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import request from "supertest";
import type { ApplicationServices } from "@mix/core";
import { createRoleKeys, workspaceOf } from "./helpers/role-keys";
import { createSession, isComplete, openStream } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

/** Only Anthropic models: the scripted model this deployment runs is outside it. */
const PLANS = { "anthropic-only": { title: "Anthropic only", models: ["anthropic/*"] } };

let stack: TestStack;
let url: string;
let plansDir: string;
const services = (): ApplicationServices => stack.apis[0]!.api.services;
const prisma = () => stack.apis[0]!.api.infrastructure.prisma;

beforeAll(async () => {
  plansDir = await mkdtemp(join(tmpdir(), "mix-plans-"));
  await writeFile(join(plansDir, "plans.json"), JSON.stringify(PLANS));
  // No worker at first: a run can be queued, then its plan changed, before anything runs it.
  stack = await startTestStack({ label: "plans-models", workers: 0, env: { PLANS_FILE: join(plansDir, "plans.json") } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(plansDir, { recursive: true, force: true });
});

/** A new workspace's owner key, on `plan` (set as an admin would). */
async function workspaceOn(plan: string): Promise<string> {
  const { apiKey } = await services().apiKeys.createWorkspace(`on-${plan}`);
  if (plan !== "default") await request(url).put("/api/workspace/plan").set(bearer(apiKey)).send({ plan }).expect(200);
  return apiKey;
}

const models = async (key: string) =>
  (await request(url).get("/api/ai/models").set(bearer(key)).expect(200)).body.models as { id: string; requiresPaid: boolean }[];

const expectNotInPlan = (response: request.Response) => {
  expect(response.status).toBe(403);
  expect(response.body.error).toMatchObject({ code: 403, reason: "model_not_in_plan", message: expect.stringContaining("not in this workspace's plan") });
};

it("lists the models a plan includes with requiresPaid false, and the others with true", async () => {
  expect(await models(stack.key)).toEqual([
    expect.objectContaining({ id: "ml-auto", requiresPaid: false }),
    expect.objectContaining({ id: "scripted-1", requiresPaid: false }),
  ]);
  expect((await models(await workspaceOn("free"))).map((model) => model.requiresPaid)).toEqual([false, false]);
  const limited = await workspaceOn("anthropic-only");
  // Auto runs the deployment's model, which the plan lacks as well.
  expect(await models(limited)).toEqual([
    expect.objectContaining({ id: "ml-auto", requiresPaid: true }),
    expect.objectContaining({ id: "scripted-1", requiresPaid: true }),
  ]);
  // The shape of the contract is unchanged.
  expect(Object.keys((await models(limited))[1]!).sort()).toEqual(["id", "name", "requiresPaid", "task"]);
});

it("lists the plan table with the workspace's own, to admins only", async () => {
  const body = (await request(url).get("/api/workspace/plans").set(bearer(stack.key)).expect(200)).body;
  expect(body.current).toBe("default");
  expect(body.plans.map((plan: { name: string }) => plan.name)).toEqual(expect.arrayContaining(["default", "free", "pro", "anthropic-only"]));
  expect(body.plans.find((plan: { name: string }) => plan.name === "free")).toMatchObject({ models: ["scripted/*"], monthlyCredits: 1, maxConcurrentRuns: 1 });
  const keys = await createRoleKeys(services(), await workspaceOf(services(), stack.key));
  for (const role of ["member", "read_only"] as const) {
    const refused = await request(url).get("/api/workspace/plans").set(bearer(keys[role].secret)).expect(403);
    expect(refused.body.error.reason).toBe("forbidden");
    await request(url).put("/api/workspace/plan").set(bearer(keys[role].secret)).send({ plan: "free" }).expect(403);
  }
  expect((await request(url).get("/api/workspace/plans").set(bearer(keys.admin.secret)).expect(200)).body.current).toBe("default");
});

it("refuses an unknown or malformed plan with 400, changing nothing", async () => {
  const key = await workspaceOn("default");
  const workspaceId = await workspaceOf(services(), key);
  for (const body of [{ plan: "platinum" }, { plan: "" }, {}, { plan: 5 }, { plan: "free", extra: true }, { plan: "x".repeat(41) }]) {
    const response = await request(url).put("/api/workspace/plan").set(bearer(key)).send(body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(400);
  }
  const unknown = await request(url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "platinum" });
  expect(unknown.body.error.message).toMatch(/plan 'platinum' is not a plan; use one of: .*free/);
  expect((await prisma().workspace.findUniqueOrThrow({ where: { id: workspaceId } })).plan).toBe("default");
  expect(await prisma().auditEntry.count({ where: { workspaceId, action: "workspace.plan_changed" } })).toBe(0);
});

it("changes the plan of the caller's workspace only, audited with who did it", async () => {
  const key = await workspaceOn("default");
  const workspaceId = await workspaceOf(services(), key);
  const principal = (await services().apiKeys.authenticate(key))!;
  const changed = (await request(url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "anthropic-only" }).expect(200)).body;
  expect(changed).toMatchObject({
    previous: "default",
    plan: { name: "anthropic-only", models: ["anthropic/*"] },
    credits: { plan: "anthropic-only", metered: false },
  });
  expect((await models(key))[1]!.requiresPaid).toBe(true);
  // The stack's own workspace is still on its plan.
  expect((await models(stack.key))[1]!.requiresPaid).toBe(false);
  const entries = await prisma().auditEntry.findMany({ where: { workspaceId, action: "workspace.plan_changed" } });
  expect(entries).toEqual([
    expect.objectContaining({
      actorKeyId: principal.apiKeyId,
      target: { type: "workspace", id: workspaceId },
      details: expect.objectContaining({ from: "default", to: "anthropic-only" }),
    }),
  ]);
});

it("refuses a session, preferences or a chat that choose a model outside the plan, writing nothing", async () => {
  const key = await workspaceOn("anthropic-only");
  const workspaceId = await workspaceOf(services(), key);
  expectNotInPlan(await request(url).post("/api/sessions").set(bearer(key)).send({ title: "s", provider: "scripted" }));
  expectNotInPlan(await request(url).post("/api/sessions").set(bearer(key)).send({ title: "s", provider: "scripted", modelId: "scripted-1" }));
  expectNotInPlan(await request(url).post("/api/preferences").set(bearer(key)).send({ preferred_provider: "scripted", main_agent_model: "scripted-1" }));
  expectNotInPlan(await request(url).post("/api/chat").set(bearer(key)).send({ message: "hi", model: "scripted-1" }));
  // Auto on a new conversation runs the deployment's model, which the plan lacks.
  expectNotInPlan(await request(url).post("/api/chat").set(bearer(key)).send({ message: "hi" }));
  expect(await prisma().session.count({ where: { workspaceId } })).toBe(0);
  expect(await prisma().workspacePreferences.count({ where: { workspaceId } })).toBe(0);
  // A model the plan includes is stored.
  await request(url).post("/api/sessions").set(bearer(key)).send({ title: "s", provider: "anthropic", modelId: "claude-sonnet-4-5" }).expect(201);
  await request(url).post("/api/preferences").set(bearer(key)).send({ preferred_provider: "anthropic", main_agent_model: "claude-sonnet-4-5" }).expect(200);
});

it("refuses a message whose run would call a model the plan no longer has, through every send route", async () => {
  const key = await workspaceOn("default");
  const workspaceId = await workspaceOf(services(), key);
  const sessionId = await createSession(url, key, { provider: "scripted", modelId: "scripted-1" });
  await request(url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "anthropic-only" }).expect(200);
  expectNotInPlan(await request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hi" }));
  expectNotInPlan(await request(url).post(`/stream/${sessionId}/message`).set(bearer(key)).send({ content: "hi" }));
  expectNotInPlan(await request(url).post("/api/chat").set(bearer(key)).send({ message: "hi", conversationId: sessionId }));
  expect(await prisma().message.count({ where: { session: { workspaceId } } })).toBe(0);
  // Another session of another workspace is not the plan's concern.
  await request(url)
    .post(`/api/sessions/${await createSession(url, stack.otherKey, { provider: "scripted", modelId: "scripted-1" })}/messages`)
    .set(bearer(stack.otherKey))
    .send({ text: "hi" })
    .expect(202);
});

it("fails a queued run whose model left the plan before it started, saying so", async () => {
  const key = await workspaceOn("default");
  const sessionId = await createSession(url, key);
  const stream = await openStream(url, key, sessionId);
  try {
    await request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hello" }).expect(202);
    await request(url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "anthropic-only" }).expect(200);
    await stack.startWorker();
    const failed = await stream.waitForEvent((event) => event.event === "error" && event.data.type === "run_failed", 15_000, "the run to fail");
    expect(failed.data.error).toMatch(/'scripted-1'.*not in this workspace's plan 'anthropic-only' \(model_not_in_plan\)/);
    expect(stream.logEvents.some(isComplete)).toBe(false);
  } finally {
    stream.close();
  }
  const run = await prisma().run.findFirstOrThrow({ where: { sessionId } });
  expect(run).toMatchObject({ status: "failed", error: expect.stringContaining("model_not_in_plan") });
  // Back on a plan with the model, the same session runs again.
  await request(url).put("/api/workspace/plan").set(bearer(key)).send({ plan: "free" }).expect(200);
  const again = await openStream(url, key, sessionId);
  try {
    await request(url).post(`/api/sessions/${sessionId}/messages`).set(bearer(key)).send({ text: "hello again" }).expect(202);
    await again.waitForEvent(isComplete, 15_000, "the run to complete");
  } finally {
    again.close();
  }
});
