/**
 * The model selector on a real database, its providers calling a local fake of each API: the
 * session's choice, then stored preferences, then configuration; credentials from the
 * workspace before the server's env; clear errors when a model cannot be called.
 */
import { randomBytes } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { anthropicTextReply, createTestDatabase, FakeHttpServer, openAiTextReply, type FakeReply, type TestDatabase } from "@mix/testing";
import { ModelSelector, ModelUnavailableError, type ModelChoice } from "./model-selector";
import { ScriptedProvider } from "../scripted/scripted-provider";
import { loadConfig, type Config } from "../../config/config";
import { CredentialsService } from "../../credentials/credentials.service";
import { PreferencesService } from "../../preferences/preferences.service";
import { collect } from "../../../test/helpers/collect-stream";
import { PlanCatalog } from "../../plans/plan-catalog";

let database: TestDatabase;
let prisma: PrismaClient;
let server: FakeHttpServer;
const scripted = new ScriptedProvider({ contentDeltas: 2, reasoningDeltas: 0, delayMs: 0 });
const NO_CHOICE = { modelProvider: null, modelId: null };

beforeAll(async () => {
  database = await createTestDatabase("modelselector");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  server = await FakeHttpServer.start();
});

afterAll(async () => {
  await server?.close();
  await prisma?.$disconnect();
  await database?.drop();
});

/** A selector over this file's database and fake server; `env` adds to or replaces the defaults. */
function selectorWith(env: Record<string, string> = {}, plans?: PlanCatalog) {
  const config: Config = loadConfig({
    DATABASE_URL: database.url,
    MODEL_PROVIDER: "scripted",
    CREDENTIALS_ENCRYPTION_KEY: ENCRYPTION_KEY,
    ANTHROPIC_API_KEY: "sk-ant-from-env",
    OPENAI_API_KEY: "sk-openai-from-env",
    ANTHROPIC_BASE_URL: `${server.url}/anthropic/v1`,
    OPENAI_BASE_URL: `${server.url}/openai/v1`,
    OPENAI_COMPATIBLE_BASE_URL: `${server.url}/local/v1`,
    ...env,
  });
  const credentials = new CredentialsService(prisma, config, new PreferencesService(prisma));
  return { selector: new ModelSelector({ prisma, config, credentials, scripted, ...(plans ? { plans } : {}) }), credentials };
}
const ENCRYPTION_KEY = randomBytes(32).toString("base64");

const newWorkspace = async () => (await prisma.workspace.create({ data: { name: `ws-${randomBytes(3).toString("hex")}` } })).id;

async function storePreferences(workspaceId: string, settings: Partial<Record<"preferredProvider" | "mainAgentModel" | "subAgentModel", string>> = {}) {
  await prisma.workspacePreferences.create({
    data: {
      workspaceId,
      preferredProvider: "openai",
      mainAgentModel: "gpt-5-mini",
      subAgentModel: "gpt-4.1-mini",
      mainAgentMaxTokens: 1234,
      subAgentMaxTokens: 567,
      mainAgentReasoningEffort: "medium",
      subAgentReasoningEffort: "low",
      ...settings,
    },
  });
}

/** Calls the chosen model once, as the agent loop does, and answers what the fake API received. */
async function callOnce(choice: ModelChoice, reply: FakeReply) {
  server.reply(reply);
  const before = server.requests.length;
  const parts = await collect(choice.provider, { model: choice.modelId, system: "", messages: [{ role: "user", content: "hi" }], thinkingBudget: 0 });
  expect(parts.at(-1)).toMatchObject({ type: "finish" });
  expect(server.requests).toHaveLength(before + 1);
  return server.requests.at(-1)!;
}

describe("the order of choice", () => {
  it("uses the configuration when the session names nothing and the workspace stored no preferences (not the preference defaults)", async () => {
    const { selector } = selectorWith();
    const choice = await selector.select({ workspaceId: await newWorkspace(), session: NO_CHOICE, role: "main" });
    expect(choice).toEqual({ provider: scripted, providerName: "scripted", modelId: "scripted-1" });
  });

  it("takes MODEL_ID with MODEL_PROVIDER, else that provider's default model", async () => {
    const workspaceId = await newWorkspace();
    const configured = await selectorWith({ MODEL_PROVIDER: "anthropic", MODEL_ID: "claude-opus-4-1" }).selector.select({
      workspaceId,
      session: NO_CHOICE,
      role: "main",
    });
    expect(configured).toMatchObject({ providerName: "anthropic", modelId: "claude-opus-4-1" });
    expect(configured.maxOutputTokens).toBeUndefined();
    const request = await callOnce(configured, anthropicTextReply("hello"));
    expect(request.path).toBe("/anthropic/v1/messages");
    expect(request.body.model).toBe("claude-opus-4-1");
    expect(request.headers["x-api-key"]).toBe("sk-ant-from-env");

    const byDefault = await selectorWith({ MODEL_PROVIDER: "anthropic" }).selector.select({ workspaceId, session: NO_CHOICE, role: "main" });
    expect(byDefault).toMatchObject({ providerName: "anthropic", modelId: "claude-sonnet-4-5" });
  });

  it("uses the workspace's stored preferences next: the role's model and max tokens", async () => {
    const workspaceId = await newWorkspace();
    await storePreferences(workspaceId);
    const { selector } = selectorWith({ MODEL_PROVIDER: "anthropic" });

    const main = await selector.select({ workspaceId, session: NO_CHOICE, role: "main" });
    expect(main).toMatchObject({ providerName: "openai", modelId: "gpt-5-mini", maxOutputTokens: 1234 });
    const request = await callOnce(main, openAiTextReply("hello"));
    expect(request.path).toBe("/openai/v1/chat/completions");
    expect(request.body.model).toBe("gpt-5-mini");
    expect(request.headers.authorization).toBe("Bearer sk-openai-from-env");

    const sub = await selector.select({ workspaceId, session: NO_CHOICE, role: "subagent" });
    expect(sub).toMatchObject({ providerName: "openai", modelId: "gpt-4.1-mini", maxOutputTokens: 567 });
  });

  it("runs the preferred provider's default when the stored model belongs to another provider", async () => {
    const workspaceId = await newWorkspace();
    // What the first POST /api/preferences {"preferred_provider": "openai"} stores: the models stay the defaults.
    await storePreferences(workspaceId, { mainAgentModel: "claude-sonnet-4-5", subAgentModel: "claude-haiku-4-5" });
    const choice = await selectorWith().selector.select({ workspaceId, session: NO_CHOICE, role: "main" });
    expect(choice).toMatchObject({ providerName: "openai", modelId: "gpt-5" });
  });

  it("lets the session's choice win over preferences and configuration, keeping the workspace's max tokens", async () => {
    const workspaceId = await newWorkspace();
    await storePreferences(workspaceId);
    const { selector } = selectorWith({ MODEL_PROVIDER: "openai" });

    const both = await selector.select({ workspaceId, session: { modelProvider: "anthropic", modelId: "claude-haiku-4-5" }, role: "main" });
    expect(both).toMatchObject({ providerName: "anthropic", modelId: "claude-haiku-4-5", maxOutputTokens: 1234 });
    expect((await callOnce(both, anthropicTextReply("hi"))).body.model).toBe("claude-haiku-4-5");

    const providerOnly = await selector.select({ workspaceId, session: { modelProvider: "anthropic", modelId: null }, role: "subagent" });
    expect(providerOnly).toMatchObject({ providerName: "anthropic", modelId: "claude-sonnet-4-5", maxOutputTokens: 567 });

    const modelOnly = await selector.select({ workspaceId, session: { modelProvider: null, modelId: "gpt-4.1" }, role: "main" });
    expect(modelOnly).toMatchObject({ providerName: "openai", modelId: "gpt-4.1" });

    const offline = await selector.select({ workspaceId, session: { modelProvider: "scripted", modelId: "scripted-1" }, role: "main" });
    expect(offline.provider).toBe(scripted);
  });

  it("refuses a session whose stored provider is not a model provider", async () => {
    const attempt = selectorWith().selector.select({ workspaceId: await newWorkspace(), session: { modelProvider: "acme", modelId: "x" }, role: "main" });
    await expect(attempt).rejects.toThrow(ModelUnavailableError);
    await expect(attempt).rejects.toThrow(/'acme' is not available; use one of: anthropic, openai, openrouter, gemini, scripted, openai-compatible/);
  });
});

describe("credentials", () => {
  it("calls with the workspace's stored key rather than the server's, and only for that workspace", async () => {
    const { selector, credentials } = selectorWith();
    const workspaceId = await newWorkspace();
    const other = await newWorkspace();
    await credentials.storeApiKey(workspaceId, "anthropic", "sk-ant-workspace-key");
    const session = { modelProvider: "anthropic", modelId: "claude-sonnet-4-5" };

    const own = await callOnce(await selector.select({ workspaceId, session, role: "main" }), anthropicTextReply("a"));
    expect(own.headers["x-api-key"]).toBe("sk-ant-workspace-key");
    const theirs = await callOnce(await selector.select({ workspaceId: other, session, role: "main" }), anthropicTextReply("b"));
    expect(theirs.headers["x-api-key"]).toBe("sk-ant-from-env");
  });

  it("sends an Anthropic OAuth access token as a Bearer token with the OAuth beta flag, not as x-api-key", async () => {
    const { selector, credentials } = selectorWith();
    const workspaceId = await newWorkspace();
    await credentials.storeOAuthTokens(workspaceId, "anthropic", { accessToken: "oauth-access-token-1", refreshToken: null, expiresAt: null });
    const choice = await selector.select({ workspaceId, session: { modelProvider: "anthropic", modelId: null }, role: "main" });
    const request = await callOnce(choice, anthropicTextReply("hi"));
    expect(request.headers.authorization).toBe("Bearer oauth-access-token-1");
    expect(request.headers["x-api-key"]).toBeUndefined();
    expect(request.headers["anthropic-beta"]).toContain("oauth-2025-04-20");
  });

  it("reports a provider without any key, naming how to store one or which variable to set", async () => {
    const { selector } = selectorWith({ MODEL_PROVIDER: "gemini" });
    const attempt = selector.select({ workspaceId: await newWorkspace(), session: NO_CHOICE, role: "main" });
    await expect(attempt).rejects.toThrow(ModelUnavailableError);
    await expect(attempt).rejects.toThrow(
      /Google Gemini was chosen by the server's configuration \(MODEL_PROVIDER\), but there is no Google Gemini API key: .*POST \/api\/auth\/api-key .*"provider": "gemini".*or set GEMINI_API_KEY/,
    );
  });

  it("reuses one provider per key, and builds another when the key changes", async () => {
    const { selector, credentials } = selectorWith();
    const workspaceId = await newWorkspace();
    const session = { modelProvider: "anthropic", modelId: null };
    const first = await selector.select({ workspaceId, session, role: "main" });
    expect((await selector.select({ workspaceId: await newWorkspace(), session, role: "main" })).provider).toBe(first.provider);
    await credentials.storeApiKey(workspaceId, "anthropic", "sk-ant-rotated");
    const rotated = await selector.select({ workspaceId, session, role: "main" });
    expect(rotated.provider).not.toBe(first.provider);
    expect((await callOnce(rotated, anthropicTextReply("r"))).headers["x-api-key"]).toBe("sk-ant-rotated");
  });
});

describe("an OpenAI-compatible server", () => {
  it("runs any model id at OPENAI_COMPATIBLE_BASE_URL, with no key unless one is configured", async () => {
    const session = { modelProvider: "openai-compatible", modelId: "llama3.1:8b" };
    const workspaceId = await newWorkspace();
    const keyless = await selectorWith().selector.select({ workspaceId, session, role: "main" });
    const request = await callOnce(keyless, openAiTextReply("local"));
    expect(request.path).toBe("/local/v1/chat/completions");
    expect(request.body.model).toBe("llama3.1:8b");
    expect(request.headers.authorization).toBeUndefined();

    const keyed = await selectorWith({ OPENAI_COMPATIBLE_API_KEY: "local-secret" }).selector.select({ workspaceId, session, role: "main" });
    expect((await callOnce(keyed, openAiTextReply("local"))).headers.authorization).toBe("Bearer local-secret");
  });

  it("takes MODEL_ID as its model when it is the configured provider", async () => {
    const { selector } = selectorWith({ MODEL_PROVIDER: "openai-compatible", MODEL_ID: "qwen2.5-coder" });
    const choice = await selector.select({ workspaceId: await newWorkspace(), session: NO_CHOICE, role: "main" });
    expect(choice).toMatchObject({ providerName: "openai-compatible", modelId: "qwen2.5-coder" });
  });

  it("explains what is missing: a model id, or the server's address", async () => {
    const workspaceId = await newWorkspace();
    const noModel = selectorWith().selector.select({ workspaceId, session: { modelProvider: "openai-compatible", modelId: null }, role: "main" });
    await expect(noModel).rejects.toThrow(/without a model id.*create the session with a modelId, or set MODEL_PROVIDER=openai-compatible with MODEL_ID/);

    const noServer = selectorWith({ OPENAI_COMPATIBLE_BASE_URL: "" }).selector.select({
      workspaceId,
      session: { modelProvider: "openai-compatible", modelId: "llama3.1" },
      role: "main",
    });
    await expect(noServer).rejects.toThrow(/OPENAI_COMPATIBLE_BASE_URL is not set/);
  });
});

describe("the workspace's plan", () => {
  const plans = PlanCatalog.from({ default: { title: "Default", models: "*" }, offline: { title: "Offline", models: ["scripted/*"] } });
  const planned = () => selectorWith({}, plans).selector;

  it("takes the plan the run was loaded with instead of reading it, and reads it when none was given", async () => {
    const workspaceId = await newWorkspace();
    await prisma.workspace.update({ where: { id: workspaceId }, data: { plan: "offline" } });
    const openai = { modelProvider: "openai", modelId: "gpt-5-mini" };
    // Read here: the stored plan keeps OpenAI out.
    await expect(planned().select({ workspaceId, session: openai, role: "main" })).rejects.toThrow(/model_not_in_plan/);
    // Given with the run (as loaded at its start): that plan holds, whatever the row says.
    const choice = await planned().select({ workspaceId, session: openai, role: "main", planName: "default" });
    expect(choice.providerName).toBe("openai");
    await expect(planned().select({ workspaceId, session: openai, role: "main", planName: "offline" })).rejects.toThrow(ModelUnavailableError);
  });
});
