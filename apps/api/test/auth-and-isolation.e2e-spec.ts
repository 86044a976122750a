/** Every route but /health needs a key, and a key sees only its own workspace. */
import request from "supertest";
import { SseClient } from "@mix/testing";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let foreignSession: string;

beforeAll(async () => {
  stack = await startTestStack({ label: "auth", workers: 0 });
  url = stack.apis[0]!.url;
  foreignSession = await createSession(url, stack.otherKey, { title: "belongs to B" });
});
afterAll(() => stack?.close());

// For 401 and 404 the precise reason has the name of the type.
const errorBody = (code: number, type: string) => ({ error: { code, type, reason: type, message: expect.any(String) } });

describe("without a valid key", () => {
  it.each([
    ["GET", "/api/sessions"],
    ["POST", "/api/sessions"],
    ["GET", "/api/sessions/x"],
    ["DELETE", "/api/sessions/x"],
    ["GET", "/api/sessions/x/messages"],
    ["POST", "/api/sessions/x/messages"],
    ["POST", "/api/sessions/x/cancel"],
    ["GET", "/stream?sessionId=x"],
  ])("%s %s answers 401 in the error shape", async (method, path) => {
    const response = await request(url)[method.toLowerCase() as "get"](path).send();
    expect(response.status).toBe(401);
    expect(response.body).toEqual(errorBody(401, "unauthorized"));
  });

  it("refuses an unknown key, a malformed header and another scheme", async () => {
    for (const header of ["Bearer mix_not_a_real_key", "Bearer", "Basic dXNlcjpwYXNz", stack.key]) {
      const response = await request(url).get("/api/sessions").set("Authorization", header);
      expect(response.status).toBe(401);
      expect(response.body).toEqual(errorBody(401, "unauthorized"));
    }
  });

  it("leaves /health open", async () => {
    await request(url).get("/health").expect(200);
  });
});

describe("a key of workspace A", () => {
  it.each([
    ["GET", ""],
    ["DELETE", ""],
    ["GET", "/messages"],
    ["POST", "/messages"],
    ["POST", "/cancel"],
  ])("gets 404 for %s on workspace B's session%s", async (method, suffix) => {
    const agent = request(url);
    const response = await agent[method.toLowerCase() as "get"](`/api/sessions/${foreignSession}${suffix}`)
      .set(bearer(stack.key))
      .send(method === "POST" && suffix === "/messages" ? { text: "hi" } : undefined);
    expect(response.status).toBe(404);
    expect(response.body).toEqual(errorBody(404, "not_found"));
  });

  it("cannot stream workspace B's session", async () => {
    const client = await SseClient.connect(`${url}/stream?sessionId=${foreignSession}`, { headers: bearer(stack.key) });
    await new Promise((resolve) => setTimeout(resolve, 0));
    try {
      expect(client.status).toBe(404);
    } finally {
      client.close();
    }
  });

  it("does not list workspace B's sessions, and B's session still exists", async () => {
    const mine = await request(url).get("/api/sessions").set(bearer(stack.key)).expect(200);
    expect(mine.body.map((session: { id: string }) => session.id)).not.toContain(foreignSession);
    const theirs = await request(url).get(`/api/sessions/${foreignSession}`).set(bearer(stack.otherKey)).expect(200);
    expect(theirs.body.title).toBe("belongs to B");
  });
});

describe("a local key from MIX_API_KEY", () => {
  it("is made valid for a local workspace, idempotently", async () => {
    const { apiKeys } = stack.apis[0]!.api.services;
    const first = await apiKeys.ensureKey("mix_env_key_for_local_use_0001", "local");
    const second = await apiKeys.ensureKey("mix_env_key_for_local_use_0001", "local");
    expect(second).toEqual(first);
    await request(url).get("/api/sessions").set(bearer("mix_env_key_for_local_use_0001")).expect(200, []);
  });
});
