/** Which cap a workspace's runs have: its plan's, else the deployment's setting, else none. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, type TestDatabase } from "@mix/testing";
import { PlanCatalog } from "../plans/plan-catalog";
import { WorkspaceCaps } from "./workspace-caps";

let database: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  database = await createTestDatabase("workspacecaps");
  prisma = createPrismaClient({ url: database.url });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

const workspaceOn = async (plan: string) => (await prisma.workspace.create({ data: { name: plan, plan } })).id;
const plans = PlanCatalog.from({ default: { title: "Default", models: "*" }, team: { title: "Team", models: "*", maxConcurrentRuns: 3 } });

it("takes the plan's cap, else WORKSPACE_MAX_CONCURRENT_RUNS, else none", async () => {
  const [team, plain, unknown] = [await workspaceOn("team"), await workspaceOn("default"), await workspaceOn("retired")];
  const withSetting = new WorkspaceCaps(prisma, plans, 5);
  expect(await withSetting.of(team)).toBe(3);
  expect(await withSetting.of(plain)).toBe(5);
  // A plan removed from configuration is the default plan.
  expect(await withSetting.of(unknown)).toBe(5);
  const withoutSetting = new WorkspaceCaps(prisma, plans, null);
  expect(await withoutSetting.of(team)).toBe(3);
  expect(await withoutSetting.of(plain)).toBeNull();
});

it("gives every workspace the setting's cap when no plan sets one", async () => {
  const uncapped = PlanCatalog.from({ default: { title: "Default", models: "*" }, team: { title: "Team", models: "*" } });
  const team = await workspaceOn("team");
  expect(await new WorkspaceCaps(prisma, uncapped, 2).of(team)).toBe(2);
  expect(await new WorkspaceCaps(prisma, uncapped, null).of(team)).toBeNull();
});
