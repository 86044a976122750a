/** The per-process memory of workspaces' plans, against a real Postgres: remembered, forgotten, expired, defaulted. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, waitFor, type TestDatabase } from "@mix/testing";
import { PlanCatalog } from "./plan-catalog";
import { WorkspacePlans } from "./workspace-plans";

let database: TestDatabase;
let prisma: PrismaClient;
const catalog = PlanCatalog.from({ default: { title: "Default", models: "*" }, small: { title: "Small", models: "*", keyRequestsPerMinute: 5 } });

beforeAll(async () => {
  database = await createTestDatabase("workspaceplans");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const setPlan = (id: string, plan: string) => prisma.workspace.update({ where: { id }, data: { plan } });

it("remembers a workspace's plan until told to forget it", async () => {
  const { id } = await prisma.workspace.create({ data: { name: "remembered", plan: "small" } });
  const plans = new WorkspacePlans(prisma, catalog, 60_000);
  expect((await plans.get(id)).name).toBe("small");
  await setPlan(id, "default");
  expect((await plans.get(id)).name).toBe("small");
  plans.forget(id);
  expect((await plans.get(id)).name).toBe("default");
});

it("looks again once its memory of a plan has expired", async () => {
  const { id } = await prisma.workspace.create({ data: { name: "expiring" } });
  const plans = new WorkspacePlans(prisma, catalog, 50);
  expect((await plans.get(id)).name).toBe("default");
  await setPlan(id, "small");
  await waitFor(async () => (await plans.get(id)).name === "small", { timeoutMs: 2_000, intervalMs: 20, what: "the plan change to be seen" });
});

it("takes an unknown workspace, or a plan no longer configured, as the default plan", async () => {
  const { id } = await prisma.workspace.create({ data: { name: "retired plan", plan: "retired" } });
  const plans = new WorkspacePlans(prisma, catalog);
  expect((await plans.get(id)).name).toBe("default");
  expect((await plans.get("00000000-0000-0000-0000-000000000000")).name).toBe("default");
});
