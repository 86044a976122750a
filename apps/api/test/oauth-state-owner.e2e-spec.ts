/**
 * An OAuth state belongs to the workspace that started the flow: another workspace's callback
 * with it is refused without using it up, so the owner's own callback still succeeds.
 */
import { randomBytes } from "node:crypto";
import request from "supertest";
import type { ApplicationServices, Infrastructure } from "@mix/core";
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
    label: "oauth-state-owner",
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

const callback = (url: string, key: string, body: object) => request(url).post("/api/auth/oauth-callback").set(bearer(key)).send(body);
const credentials = async (key: string) => {
  const { workspaceId } = (await services.apiKeys.authenticate(key))!;
  return infrastructure.prisma.providerCredential.findMany({ where: { workspaceId }, orderBy: { id: "asc" } });
};

it("refuses workspace B's callback with A's state (400), leaves the state to A, whose callback then succeeds", async () => {
  const started = await request(urlA).post("/api/auth/oauth/anthropic").set(bearer(stack.key)).expect(200);
  const state = started.body.state as string;
  const authUrl = new URL(started.body.auth_url as string);
  const code = fake.approve(authUrl.searchParams.get("code_challenge")!, authUrl.searchParams.get("redirect_uri")!);
  const stateKey = infrastructure.keys.oauthState(state);
  const flowBefore = await infrastructure.redis.get(stateKey);
  const tokenRequestsBefore = fake.tokenRequests.length;
  const bBefore = await credentials(stack.otherKey);

  const foreign = await callback(urlB, stack.otherKey, { provider: "anthropic", code, state });
  expect(foreign.status).toBe(400);
  expect(foreign.body).toEqual({ error: expect.objectContaining({ code: 400, type: "bad_request", message: expect.stringContaining("another workspace's") }) });
  // Not consumed, not even touched: the same flow, still expiring, and no code exchanged.
  expect(await infrastructure.redis.get(stateKey)).toBe(flowBefore);
  expect(await infrastructure.redis.ttl(stateKey)).toBeGreaterThan(0);
  expect(fake.tokenRequests).toHaveLength(tokenRequestsBefore);
  expect(await credentials(stack.otherKey)).toEqual(bBefore);
  await request(urlB).get("/health").expect(200);

  const own = await callback(urlB, stack.key, { provider: "anthropic", code, state });
  expect(own.status).toBe(200);
  expect(own.body).toMatchObject({ status: "success", provider: "anthropic" });
  expect(await infrastructure.redis.exists(stateKey)).toBe(0);
  expect((await credentials(stack.key)).map((row) => row.authMethod)).toEqual(["oauth"]);
  // Single use still holds for the owner.
  expect((await callback(urlA, stack.key, { provider: "anthropic", code, state })).status).toBe(400);
});

it("keeps refusing the foreign workspace however often it tries", async () => {
  const started = await request(urlA).post("/api/auth/oauth/anthropic").set(bearer(stack.key)).expect(200);
  const state = started.body.state as string;
  const attempts = await Promise.all(Array.from({ length: 5 }, () => callback(urlA, stack.otherKey, { provider: "anthropic", code: "guess", state })));
  expect(attempts.map((answer) => answer.status)).toEqual([400, 400, 400, 400, 400]);
  expect(await infrastructure.redis.exists(infrastructure.keys.oauthState(state))).toBe(1);
});
