/** Provider OAuth: PKCE flow across instances, encrypted storage, state rules, health and refresh. */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import request from "supertest";
import { createLogger, OAUTH_STATE_TTL_SECONDS, refreshExpiringTokens, startMaintenanceWorker, type ApplicationServices, type Infrastructure } from "@mix/core";
import { createApiApp } from "../src/app";
import { fakeOAuthEnv, startFakeOAuthServer, type FakeOAuthServer } from "./helpers/fake-oauth-server";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let fake: FakeOAuthServer;
let stack: TestStack;
let urlA: string;
let urlB: string;
let services: ApplicationServices;
let infrastructure: Infrastructure;

beforeAll(async () => {
  fake = await startFakeOAuthServer();
  stack = await startTestStack({
    label: "provider-oauth",
    apiInstances: 2,
    workers: 0,
    env: { CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("hex"), ...fakeOAuthEnv(fake) },
  });
  [urlA, urlB] = stack.apis.map((api) => api.url) as [string, string];
  services = stack.apis[0]!.api.services;
  infrastructure = stack.apis[0]!.api.infrastructure;
});
afterAll(async () => {
  await stack?.close();
  await fake?.close();
});
beforeEach(() => {
  fake.expiresIn = 3600;
});

const post = (base: string, path: string, key: string, body?: object) => request(base).post(path).set(bearer(key)).send(body);
const newWorkspace = async (name: string) => {
  const { apiKey } = await services.apiKeys.createWorkspace(`oauth-${name}`);
  return { key: apiKey, workspaceId: (await services.apiKeys.authenticate(apiKey))!.workspaceId };
};

/** Starts a flow on `base` and has the user approve it at the fake server: the code and the flow. */
async function startAndApprove(key: string, base = urlA) {
  const started = await post(base, "/api/auth/oauth/anthropic", key).expect(200);
  const authUrl = new URL(started.body.auth_url as string);
  const code = fake.approve(authUrl.searchParams.get("code_challenge")!, authUrl.searchParams.get("redirect_uri")!);
  return { code, state: started.body.state as string, authUrl, body: started.body };
}

async function signIn(key: string) {
  const { code, state } = await startAndApprove(key, urlA);
  return post(urlB, "/api/auth/oauth-callback", key, { provider: "anthropic", code, state }).expect(200);
}

const oauthRow = (workspaceId: string) =>
  infrastructure.prisma.providerCredential.findUniqueOrThrow({ where: { workspaceId_provider: { workspaceId, provider: "anthropic" } } });
const lastIssued = () => fake.tokenRequests.at(-1);

describe("starting a flow", () => {
  it("returns an authorization URL with a PKCE S256 challenge, and keeps the state in Redis for 10 minutes", async () => {
    const { body, authUrl, state } = await startAndApprove(stack.key);
    expect(body).toEqual({
      auth_url: expect.any(String),
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      message: expect.stringContaining("/api/auth/oauth-callback"),
    });
    expect(`${authUrl.origin}${authUrl.pathname}`).toBe(`${fake.url}/authorize`);
    expect(Object.fromEntries(authUrl.searchParams)).toEqual({
      client_id: "mix-test-client",
      response_type: "code",
      redirect_uri: fakeOAuthEnv(fake).ANTHROPIC_OAUTH_REDIRECT_URI,
      scope: "user:inference user:profile",
      state,
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: "S256",
    });
    const ttl = await infrastructure.redis.ttl(infrastructure.keys.oauthState(state));
    expect(ttl).toBeGreaterThan(OAUTH_STATE_TTL_SECONDS - 30);
    expect(ttl).toBeLessThanOrEqual(OAUTH_STATE_TTL_SECONDS);
  });

  it("answers 400 for an unknown provider, one without OAuth, and OAuth not configured", async () => {
    expect((await post(urlA, "/api/auth/oauth/nobody", stack.key).expect(400)).body.error.message).toContain("OAuth providers: anthropic");
    expect((await post(urlA, "/api/auth/oauth/openai", stack.key).expect(400)).body.error.message).toContain("does not support OAuth");
    await request(urlA).post("/api/auth/oauth/anthropic").expect(401);
    const bare = await createApiApp({ ...stack.config, ANTHROPIC_OAUTH_CLIENT_ID: undefined });
    try {
      await bare.app.listen(0, "127.0.0.1");
      const base = `http://127.0.0.1:${(bare.app.getHttpServer().address() as AddressInfo).port}`;
      expect((await post(base, "/api/auth/oauth/anthropic", stack.key).expect(400)).body.error.message).toContain("not configured");
      // The message names every setting to set, and the one missing here.
      const { error } = (await post(base, "/api/auth/oauth/anthropic", stack.key).expect(400)).body;
      expect(error).toMatchObject({ code: 400, type: "bad_request", reason: "invalid_request" });
      for (const name of ["ANTHROPIC_OAUTH_CLIENT_ID", "ANTHROPIC_OAUTH_AUTHORIZE_URL", "ANTHROPIC_OAUTH_TOKEN_URL", "ANTHROPIC_OAUTH_REDIRECT_URI"]) {
        expect(error.message).toContain(name);
      }
      expect(error.message).toContain("(missing: ANTHROPIC_OAUTH_CLIENT_ID)");
    } finally {
      await bare.close();
    }
  });
});

describe("finishing a flow", () => {
  it("completes on another instance, stores the tokens encrypted, and refuses a replayed state", async () => {
    const { key, workspaceId } = await newWorkspace("roundtrip");
    const { code, state } = await startAndApprove(key, urlA);
    const done = await post(urlB, "/api/auth/oauth-callback", key, { provider: "anthropic", code, state }).expect(200);
    expect(done.body).toEqual({ status: "success", provider: "anthropic", message: expect.stringContaining("Anthropic"), expires_in: 3600 });
    expect(lastIssued()).toMatchObject({ grant_type: "authorization_code", code, redirect_uri: fakeOAuthEnv(fake).ANTHROPIC_OAUTH_REDIRECT_URI });

    const row = await oauthRow(workspaceId);
    const accessToken = await services.credentials.resolve(workspaceId, "anthropic");
    expect(accessToken).toMatch(/^at-/);
    expect(row).toMatchObject({ authMethod: "oauth", keyHint: accessToken!.slice(-4) });
    expect(row.encryptedSecret).toMatch(/^v1:/);
    expect(row.encryptedRefreshToken).toMatch(/^v1:/);
    expect(Math.abs(row.expiresAt!.getTime() - (Date.now() + 3600_000))).toBeLessThan(60_000);
    const dump = JSON.stringify(await infrastructure.prisma.providerCredential.findMany());
    expect(dump).not.toContain(accessToken!);
    for (const refresh of fake.liveRefreshTokens) expect(dump).not.toContain(refresh);
    expect((await request(urlA).get("/api/auth/status").set(bearer(key)).expect(200)).body.providers.anthropic).toMatchObject({
      authenticated: true,
      auth_method: "oauth",
    });

    const replay = await post(urlA, "/api/auth/oauth-callback", key, { provider: "anthropic", code, state }).expect(400);
    expect(replay.body.error).toMatchObject({ code: 400, message: expect.stringContaining("already used") });
  });

  it("answers 400 for an unknown, expired or foreign state, and for a bad body", async () => {
    const { key } = await newWorkspace("states");
    await post(urlA, "/api/auth/oauth-callback", key, { provider: "anthropic", code: "x", state: "never-issued" }).expect(400);
    await post(urlA, "/api/auth/oauth-callback", key, { provider: "anthropic", code: "x" }).expect(400);

    const expiring = await startAndApprove(key);
    const stateKey = infrastructure.keys.oauthState(expiring.state);
    await infrastructure.redis.pexpire(stateKey, 1);
    for (let i = 0; i < 100 && (await infrastructure.redis.exists(stateKey)); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    await post(urlB, "/api/auth/oauth-callback", key, { provider: "anthropic", code: expiring.code, state: expiring.state }).expect(400);

    const foreign = await startAndApprove(key);
    await post(urlB, "/api/auth/oauth-callback", stack.otherKey, { provider: "anthropic", code: foreign.code, state: foreign.state }).expect(400);
  });

  it("maps the token endpoint's rejection of a wrong PKCE verifier to 400 and stores nothing", async () => {
    const { key, workspaceId } = await newWorkspace("tamper");
    const { code, state } = await startAndApprove(key);
    const stateKey = infrastructure.keys.oauthState(state);
    const flow = JSON.parse((await infrastructure.redis.get(stateKey))!) as Record<string, string>;
    await infrastructure.redis.set(stateKey, JSON.stringify({ ...flow, codeVerifier: "A".repeat(43) }), "KEEPTTL");

    const rejected = await post(urlB, "/api/auth/oauth-callback", key, { provider: "anthropic", code, state }).expect(400);
    expect(rejected.body.error.message).toContain("invalid_grant");
    expect(lastIssued()).toMatchObject({ grant_type: "authorization_code", code_verifier: "A".repeat(43) });
    expect(await infrastructure.prisma.providerCredential.count({ where: { workspaceId } })).toBe(0);
  });
});

describe("GET /health/auth", () => {
  it("reports not_found, active, expired and expired_no_refresh", async () => {
    const { key, workspaceId } = await newWorkspace("health");
    const health = async () => (await request(urlA).get("/health/auth").set(bearer(key)).expect(200)).body;
    expect(await health()).toEqual({
      status: "healthy",
      providers: { anthropic: { provider: "anthropic", status: "not_found" } },
      timestamp: expect.any(String),
    });
    await request(urlA).get("/health/auth").expect(401);

    await signIn(key);
    expect(await health()).toMatchObject({
      status: "healthy",
      providers: { anthropic: { status: "active", expires_in: expect.stringMatching(/^(59m\d+s|1h0m0s)$/), last_refresh: expect.any(String) } },
    });

    const where = { workspaceId_provider: { workspaceId, provider: "anthropic" } };
    await infrastructure.prisma.providerCredential.update({ where, data: { expiresAt: new Date(Date.now() + 2 * 60_000) } });
    expect(await health()).toMatchObject({ status: "degraded", providers: { anthropic: { status: "expired" } } });
    await infrastructure.prisma.providerCredential.update({ where, data: { encryptedRefreshToken: null, expiresAt: new Date(Date.now() - 1_000) } });
    expect(await health()).toMatchObject({ status: "unhealthy", providers: { anthropic: { status: "expired_no_refresh", expires_in: "0s" } } });
  });
});

describe("refreshing tokens", () => {
  it("POST /internal/auth/refresh-tokens refreshes the caller's expiring tokens only", async () => {
    const mine = await newWorkspace("refresh-mine");
    const theirs = await newWorkspace("refresh-theirs");
    fake.expiresIn = 600; // inside the 35-minute window
    await signIn(mine.key);
    await signIn(theirs.key);
    const before = { mine: await oauthRow(mine.workspaceId), theirs: await oauthRow(theirs.workspaceId) };
    const oldAccess = await services.credentials.resolve(mine.workspaceId, "anthropic");
    fake.expiresIn = 7200;
    const requestsBefore = fake.tokenRequests.length;

    const refreshed = await post(urlB, "/internal/auth/refresh-tokens", mine.key).expect(200);
    expect(refreshed.body).toEqual({ status: "success", message: "Refreshed 1 of 1 OAuth tokens expiring within 35 minutes" });
    expect(fake.tokenRequests.slice(requestsBefore)).toEqual([expect.objectContaining({ grant_type: "refresh_token", client_id: "mix-test-client" })]);
    const after = await oauthRow(mine.workspaceId);
    expect(after.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 7000_000);
    expect(after.encryptedRefreshToken).not.toBe(before.mine.encryptedRefreshToken);
    expect(await services.credentials.resolve(mine.workspaceId, "anthropic")).not.toBe(oldAccess);
    expect((await oauthRow(theirs.workspaceId)).updatedAt).toEqual(before.theirs.updatedAt);

    const idle = await post(urlA, "/internal/auth/refresh-tokens", mine.key).expect(200);
    expect(idle.body.message).toContain("nothing to refresh");
    await request(urlA).post("/internal/auth/refresh-tokens").expect(401);
  });

  it("counts a refresh the server refuses as failed, and the token stays as it was", async () => {
    const { key, workspaceId } = await newWorkspace("refresh-revoked");
    fake.expiresIn = 300;
    await signIn(key);
    fake.liveRefreshTokens.clear();
    const before = await oauthRow(workspaceId);
    const response = await post(urlA, "/internal/auth/refresh-tokens", key).expect(200);
    expect(response.body.message).toBe("Refreshed 0 of 1 OAuth tokens expiring within 35 minutes (1 failed: see GET /health/auth)");
    expect((await oauthRow(workspaceId)).encryptedSecret).toBe(before.encryptedSecret);
  });

  it("the maintenance job's function refreshes every workspace's expiring tokens", async () => {
    const { key, workspaceId } = await newWorkspace("refresh-job");
    fake.expiresIn = 900;
    await signIn(key);
    fake.expiresIn = 3600;
    const logger = createLogger("test-maintenance", "silent");
    const outcome = await refreshExpiringTokens({ config: stack.config, credentials: services.credentials, logger }, new Date());
    expect(outcome.refreshed).toBeGreaterThanOrEqual(1);
    expect((await oauthRow(workspaceId)).expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
    expect(lastIssued()).toMatchObject({ grant_type: "refresh_token" });
  });

  it("the maintenance worker registers the repeatable refresh job every 10 minutes", async () => {
    const worker = await startMaintenanceWorker(stack.config, createLogger("test-maintenance", "silent"));
    try {
      const schedulers = await worker.queue.getJobSchedulers();
      expect(schedulers).toEqual(
        expect.arrayContaining([expect.objectContaining({ key: "refresh-oauth-tokens", name: "refresh-oauth-tokens", every: 600_000 })]),
      );
    } finally {
      await worker.close();
    }
  });
});
