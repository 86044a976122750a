/** `/api/preferences`: defaults, partial updates, reset, validation and workspace isolation. */
import { randomBytes } from "node:crypto";
import request from "supertest";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;

beforeAll(async () => {
  // A deployment on Anthropic: its defaults (what reset stores) are DEFAULTS below; preferences-defaults.e2e-spec covers the scripted one.
  stack = await startTestStack({
    label: "preferences",
    workers: 0,
    env: { MODEL_PROVIDER: "anthropic", CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("base64") },
  });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const get = (path: string, key = stack.key) => request(url).get(path).set(bearer(key));
const post = (path: string, body: unknown = {}, key = stack.key) =>
  request(url)
    .post(path)
    .set(bearer(key))
    .send(body as object);

const DEFAULTS = {
  preferred_provider: "anthropic",
  main_agent_model: "claude-sonnet-4-5",
  sub_agent_model: "claude-haiku-4-5",
  main_agent_max_tokens: 32000,
  sub_agent_max_tokens: 16000,
  main_agent_reasoning_effort: "medium",
  sub_agent_reasoning_effort: "low",
};

const startedAt = Math.floor(Date.now() / 1000);
/** The defaults with `changes`, and timestamps in unix seconds (not milliseconds) from this test run. */
function expectPreferences(body: Record<string, unknown>, changes: Record<string, unknown> = {}): void {
  expect(body).toEqual({ ...DEFAULTS, ...changes, created_at: expect.any(Number), updated_at: expect.any(Number) });
  for (const field of ["created_at", "updated_at"]) {
    expect(Number.isInteger(body[field])).toBe(true);
    expect(body[field]).toBeGreaterThanOrEqual(startedAt);
    expect(body[field]).toBeLessThanOrEqual(Date.now() / 1000);
  }
}

describe("GET /api/preferences", () => {
  it("answers null preferences and the model providers before anything is set", async () => {
    const { body } = await get("/api/preferences", stack.otherKey).expect(200);
    expect(body.preferences).toBeNull();
    expect(Object.keys(body.available_providers).sort()).toEqual(["anthropic", "gemini", "openai", "openrouter", "scripted"]);
    expect(body.available_providers.anthropic).toEqual({ display_name: "Anthropic", models: expect.arrayContaining(["claude-sonnet-4-5"]) });
    expect(body.available_providers.scripted).toEqual({ display_name: "Scripted (offline)", models: ["scripted-1"] });
  });

  it("answers 401 without an API key", async () => {
    await request(url).get("/api/preferences").expect(401);
    await request(url).post("/api/preferences/reset").expect(401);
  });
});

describe("GET /api/preferences/providers", () => {
  it("is the same map as available_providers, without the tool provider brave", async () => {
    const providers = (await get("/api/preferences/providers").expect(200)).body;
    expect(providers).toEqual((await get("/api/preferences").expect(200)).body.available_providers);
    expect(providers.brave).toBeUndefined();
    for (const entry of Object.values(providers) as { models: string[] }[]) expect(entry.models.length).toBeGreaterThan(0);
  });
});

describe("POST /api/preferences and /reset", () => {
  it("changes only the fields sent, filling the rest with the defaults, and keeps them", async () => {
    const first = await post("/api/preferences", { preferred_provider: "openai", main_agent_model: "gpt-5", main_agent_max_tokens: 4096 }).expect(200);
    expectPreferences(first.body, { preferred_provider: "openai", main_agent_model: "gpt-5", main_agent_max_tokens: 4096 });

    const second = await post("/api/preferences", { sub_agent_reasoning_effort: "high", sub_agent_model: "gemini-2.5-flash" }).expect(200);
    expect(second.body).toMatchObject({
      preferred_provider: "openai",
      main_agent_model: "gpt-5",
      sub_agent_reasoning_effort: "high",
      sub_agent_model: "gemini-2.5-flash",
    });
    expect(second.body.created_at).toBe(first.body.created_at);

    expect((await get("/api/preferences").expect(200)).body.preferences).toEqual(second.body);
    expect((await post("/api/preferences", {}).expect(200)).body).toMatchObject({ ...second.body, updated_at: expect.any(Number) });
    expect((await get("/api/preferences", stack.otherKey).expect(200)).body.preferences).toBeNull();
  });

  it("resets to the defaults", async () => {
    await post("/api/preferences", { main_agent_reasoning_effort: "high", preferred_provider: "scripted", main_agent_model: "scripted-1" }).expect(200);
    const reset = await post("/api/preferences/reset").expect(200);
    expectPreferences(reset.body);
    expect((await get("/api/preferences").expect(200)).body.preferences).toEqual(reset.body);
  });

  it("reset creates the defaults for a workspace that had none", async () => {
    const { apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("preferences-c");
    const { body } = await post("/api/preferences/reset", {}, apiKey).expect(200);
    expectPreferences(body);
  });

  it.each([
    [{ colour: "blue" }, /colour/],
    [{ main_agent_max_tokens: 0 }, /main_agent_max_tokens.*positive integer/],
    [{ sub_agent_max_tokens: -5 }, /sub_agent_max_tokens.*positive integer/],
    [{ main_agent_max_tokens: 1.5 }, /main_agent_max_tokens.*positive integer/],
    [{ main_agent_max_tokens: "100" }, /main_agent_max_tokens/],
    [{ main_agent_max_tokens: 10_000_000 }, /at most 1000000/],
    [{ main_agent_reasoning_effort: "extreme" }, /main_agent_reasoning_effort.*low, medium, high/],
    [{ preferred_provider: "acme" }, /preferred_provider 'acme' is not available; use one of: anthropic, openai, openrouter, gemini, scripted/],
    [{ preferred_provider: "brave" }, /preferred_provider 'brave' is not available/],
    [{ main_agent_model: "gpt-99" }, /main_agent_model 'gpt-99' is not a known model/],
    [{ sub_agent_model: "" }, /sub_agent_model/],
    [{ main_agent_model: null }, /main_agent_model/],
  ])("answers 400 for %j and changes nothing", async (body, message) => {
    const before = (await get("/api/preferences").expect(200)).body.preferences;
    const response = await post("/api/preferences", body).expect(400);
    expect(response.body).toEqual({ error: { code: 400, type: "validation_error", reason: "validation_failed", message: expect.stringMatching(message) } });
    expect((await get("/api/preferences").expect(200)).body.preferences).toEqual(before);
  });

  it("answers 400 for a body that is not a JSON object", async () => {
    await post("/api/preferences", [1, 2]).expect(400);
    await request(url).post("/api/preferences").set(bearer(stack.key)).set("Content-Type", "text/plain").send("hi").expect(400);
  });
});
