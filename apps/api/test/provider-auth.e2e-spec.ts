/** `/api/auth/*`: provider API keys stored encrypted per workspace, their status, and `resolve`. */
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { ENCRYPTION_KEY_MISSING, type ApplicationServices, type Infrastructure } from "@mix/core";
import { createApiApp, type ApiApp } from "../src/app";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let services: ApplicationServices;
let infrastructure: Infrastructure;
let workspaceA: string;
let workspaceB: string;

const ANTHROPIC_KEY = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
const OPENAI_ENV_KEY = `sk-env-${randomBytes(12).toString("hex")}`;

beforeAll(async () => {
  stack = await startTestStack({ label: "provider-auth", workers: 0, env: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64") } });
  url = stack.apis[0]!.url;
  services = stack.apis[0]!.api.services;
  infrastructure = stack.apis[0]!.api.infrastructure;
  workspaceA = (await services.apiKeys.authenticate(stack.key))!.workspaceId;
  workspaceB = (await services.apiKeys.authenticate(stack.otherKey))!.workspaceId;
});
afterAll(() => stack?.close());

const get = (path: string, key = stack.key, base = url) => request(base).get(path).set(bearer(key));
const storeKey = (body: object, key = stack.key, base = url) => request(base).post("/api/auth/api-key").set(bearer(key)).send(body);
const remove = (provider: string, key = stack.key) => request(url).delete(`/api/auth/${provider}`).set(bearer(key));

/** A second API app on the same database with a changed configuration. */
async function withApp(overrides: Record<string, string | undefined>, work: (base: string, services: ApplicationServices) => Promise<void>): Promise<void> {
  const api: ApiApp = await createApiApp({ ...stack.config, ...overrides });
  try {
    await api.app.listen(0, "127.0.0.1");
    await work(`http://127.0.0.1:${(api.app.getHttpServer().address() as AddressInfo).port}`, api.services);
  } finally {
    await api.close();
  }
}

const unauthenticated = (display_name: string) => ({ authenticated: false, auth_method: "none", display_name });

describe("before any key is stored", () => {
  it("reports every provider unauthenticated", async () => {
    expect((await get("/api/auth/status").expect(200)).body).toEqual({
      providers: {
        anthropic: unauthenticated("Anthropic"),
        openai: unauthenticated("OpenAI"),
        openrouter: unauthenticated("OpenRouter"),
        gemini: unauthenticated("Google Gemini"),
        brave: unauthenticated("Brave Search"),
      },
    });
    expect(await services.credentials.resolve(workspaceA, "anthropic")).toBeNull();
  });

  it("validates the deployment's model provider for a workspace without preferences: the scripted model needs no key", async () => {
    expect(stack.config.MODEL_PROVIDER).toBe("scripted");
    expect((await get("/api/preferences").expect(200)).body.preferences).toBeNull();
    expect((await get("/api/auth/validate").expect(200)).body).toEqual({
      valid: true,
      provider: "scripted",
      auth_method: "none",
      message: "Scripted (offline) needs no credentials",
    });
  });

  it("names the deployment's provider when it is another, invalid until it has a key", async () => {
    await withApp({ MODEL_PROVIDER: "anthropic" }, async (base) => {
      expect((await get("/api/auth/validate", stack.key, base).expect(200)).body).toEqual({
        valid: false,
        provider: "anthropic",
        auth_method: "none",
        message: expect.stringContaining("POST /api/auth/api-key"),
      });
    });
    await withApp({ MODEL_PROVIDER: "openai-compatible", OPENAI_COMPATIBLE_BASE_URL: "http://127.0.0.1:1/v1" }, async (base) => {
      expect((await get("/api/auth/validate", stack.key, base).expect(200)).body).toMatchObject({
        valid: true,
        provider: "openai-compatible",
        auth_method: "none",
      });
    });
  });
});

describe("storing an API key", () => {
  it("stores it encrypted, never echoes it, and only its workspace sees it", async () => {
    const stored = await storeKey({ provider: "anthropic", api_key: ANTHROPIC_KEY }).expect(200);
    expect(stored.body).toEqual({ status: "success", provider: "anthropic", message: "API key for Anthropic stored" });

    const rows = await infrastructure.prisma.providerCredential.findMany();
    expect(rows).toEqual([
      expect.objectContaining({ workspaceId: workspaceA, provider: "anthropic", authMethod: "api_key", keyHint: ANTHROPIC_KEY.slice(-4) }),
    ]);
    expect(rows[0]!.encryptedSecret).toMatch(/^v1:/);
    expect(JSON.stringify(rows)).not.toContain(ANTHROPIC_KEY);
    expect(JSON.stringify(rows)).not.toContain(ANTHROPIC_KEY.slice(0, 20));

    const status = await get("/api/auth/status").expect(200);
    expect(status.body.providers.anthropic).toEqual({ authenticated: true, auth_method: "api_key", display_name: "Anthropic" });
    expect(status.body.providers.openai).toEqual(unauthenticated("OpenAI"));
    // On a deployment whose model provider is Anthropic, the stored key is what makes it valid.
    let validate: request.Response | undefined;
    await withApp({ MODEL_PROVIDER: "anthropic" }, async (base) => {
      validate = await get("/api/auth/validate", stack.key, base).expect(200);
    });
    expect(validate!.body).toMatchObject({ valid: true, provider: "anthropic", auth_method: "api_key" });
    for (const response of [stored, status, validate!, await get("/api/preferences").expect(200)]) expect(response.text).not.toContain(ANTHROPIC_KEY);

    expect(await services.credentials.resolve(workspaceA, "anthropic")).toBe(ANTHROPIC_KEY);
    expect(await services.credentials.resolve(workspaceB, "anthropic")).toBeNull();
    expect((await get("/api/auth/status", stack.otherKey).expect(200)).body.providers.anthropic).toEqual(unauthenticated("Anthropic"));
  });

  it("replaces the earlier key, and stores a key for the tool provider brave", async () => {
    const replacement = `sk-ant-api03-${randomBytes(24).toString("base64url")}`;
    await storeKey({ provider: "anthropic", api_key: ` ${replacement} ` }).expect(200);
    expect(await services.credentials.resolve(workspaceA, "anthropic")).toBe(replacement);
    await storeKey({ provider: "brave", api_key: "BSA-brave-key" }, stack.otherKey).expect(200);
    expect(await services.credentials.resolve(workspaceB, "brave")).toBe("BSA-brave-key");
    expect(await services.credentials.resolve(workspaceA, "brave")).toBeNull();
  });

  it("validates the preferred provider of the workspace", async () => {
    await request(url).post("/api/preferences").set(bearer(stack.otherKey)).send({ preferred_provider: "openai", main_agent_model: "gpt-5" }).expect(200);
    expect((await get("/api/auth/validate", stack.otherKey).expect(200)).body).toMatchObject({ valid: false, provider: "openai", auth_method: "none" });
    await request(url).post("/api/preferences").set(bearer(stack.otherKey)).send({ preferred_provider: "scripted" }).expect(200);
    expect((await get("/api/auth/validate", stack.otherKey).expect(200)).body).toEqual({
      valid: true,
      provider: "scripted",
      auth_method: "none",
      message: expect.stringContaining("no credentials"),
    });
  });

  it.each([
    ["an unknown provider", { provider: "acme", api_key: "sk-x" }, /provider must be one of: anthropic, openai, openrouter, gemini, brave/],
    ["no api_key", { provider: "anthropic" }, /api_key is required/],
    ["a blank api_key", { provider: "anthropic", api_key: "   " }, /api_key must not be empty/],
    ["whitespace inside", { provider: "anthropic", api_key: "sk-ant-has space" }, /api_key must not contain whitespace/],
    ["over 1000 characters", { provider: "anthropic", api_key: `sk-ant-${"x".repeat(1000)}` }, /api_key must be at most 1000 characters/],
    [
      "an OpenAI key as anthropic",
      { provider: "anthropic", api_key: "sk-proj-openai-key" },
      /not look like a key for Anthropic: Anthropic keys start with 'sk-ant-'/,
    ],
    ["an Anthropic key as openrouter", { provider: "openrouter", api_key: "sk-ant-x" }, /OpenRouter keys start with 'sk-or-'/],
    ["a number", { provider: "anthropic", api_key: 42 }, /api_key must be a string/],
    ["an unknown field", { provider: "anthropic", api_key: "sk-ant-x", extra: true }, /extra/],
  ])("answers 400 for %s and stores nothing", async (_label, body, message) => {
    const before = await infrastructure.prisma.providerCredential.findMany({ orderBy: { id: "asc" } });
    const response = await storeKey(body).expect(400);
    expect(response.body).toEqual({ error: { code: 400, type: "validation_error", reason: "validation_failed", message: expect.stringMatching(message) } });
    expect(await infrastructure.prisma.providerCredential.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });
});

describe("DELETE /api/auth/{provider}", () => {
  it("deletes the workspace's key, and succeeds again when nothing is left", async () => {
    expect((await remove("anthropic").expect(200)).body).toEqual({ status: "success", provider: "anthropic", message: "Credentials for Anthropic deleted" });
    expect((await get("/api/auth/status").expect(200)).body.providers.anthropic).toEqual(unauthenticated("Anthropic"));
    expect(await services.credentials.resolve(workspaceA, "anthropic")).toBeNull();
    expect((await remove("anthropic").expect(200)).body).toEqual({
      status: "success",
      provider: "anthropic",
      message: expect.stringContaining("nothing to delete"),
    });
    expect(await services.credentials.resolve(workspaceB, "brave")).toBe("BSA-brave-key");
  });

  it("answers 400 naming the providers for an unknown one", async () => {
    const response = await remove("acme").expect(400);
    expect(response.body.error).toEqual({
      code: 400,
      type: "validation_error",
      reason: "validation_failed",
      message: "provider 'acme' is not supported; use one of: anthropic, openai, openrouter, gemini, brave",
    });
  });
});

describe("deployment-wide env keys", () => {
  it("count as api_key authentication, and a workspace's own key wins", async () => {
    await withApp({ OPENAI_API_KEY: OPENAI_ENV_KEY }, async (base, withEnv) => {
      const status = await get("/api/auth/status", stack.key, base).expect(200);
      expect(status.body.providers.openai).toEqual({ authenticated: true, auth_method: "api_key", display_name: "OpenAI" });
      expect(status.text).not.toContain(OPENAI_ENV_KEY);
      expect(await withEnv.credentials.resolve(workspaceA, "openai")).toBe(OPENAI_ENV_KEY);
      await storeKey({ provider: "openai", api_key: "sk-workspace-own" }, stack.key, base).expect(200);
      expect(await withEnv.credentials.resolve(workspaceA, "openai")).toBe("sk-workspace-own");
      expect(await withEnv.credentials.resolve(workspaceB, "openai")).toBe(OPENAI_ENV_KEY);
    });
    expect((await get("/api/auth/status", stack.otherKey).expect(200)).body.providers.openai).toEqual(unauthenticated("OpenAI"));
  });
});

describe("without CREDENTIALS_ENCRYPTION_KEY", () => {
  it("refuses to store a key with a clear 400, and still reports status", async () => {
    await withApp({ CREDENTIALS_ENCRYPTION_KEY: undefined }, async (base) => {
      const response = await storeKey({ provider: "gemini", api_key: "AIza-gemini-key" }, stack.key, base).expect(400);
      expect(response.body).toEqual({ error: { code: 400, type: "bad_request", reason: "invalid_request", message: ENCRYPTION_KEY_MISSING } });
      expect(ENCRYPTION_KEY_MISSING).toContain("CREDENTIALS_ENCRYPTION_KEY is not configured");
      await get("/api/auth/status", stack.key, base).expect(200);
    });
    expect(await infrastructure.prisma.providerCredential.count({ where: { provider: "gemini" } })).toBe(0);
  });
});
