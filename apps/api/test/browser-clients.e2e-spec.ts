/**
 * What a browser app on another origin needs, at the HTTP level: CORS answers for allowed and
 * refused origins (preflights included, before any key), and stream tokens that open one
 * session's stream from an EventSource's URL, and nothing else.
 */
import request from "supertest";
import { SseClient, waitFor } from "@mix/testing";
import { createSession, isComplete, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const APP = "https://app.example.com";
let stack: TestStack;
let url: string;

beforeAll(async () => {
  stack = await startTestStack({
    label: "browser-clients",
    apiInstances: 2,
    env: { CORS_ORIGINS: `${APP},http://localhost:5173`, STREAM_TOKEN_TTL_MS: "5000" },
  });
  url = stack.apis[0]!.url;
});
afterAll(() => stack?.close());

const mint = (sessionId: string, key = stack.key, on = url) => request(on).post(`/api/sessions/${sessionId}/stream-token`).set(bearer(key));
const streamUrl = (on: string, sessionId: string, token: string) =>
  `${on}/stream?sessionId=${encodeURIComponent(sessionId)}&token=${encodeURIComponent(token)}`;

describe("CORS", () => {
  it("answers a preflight from an allowed origin, before any key, and exposes the headers clients read", async () => {
    const preflight = await request(url)
      .options("/api/sessions")
      .set("Origin", APP)
      .set("Access-Control-Request-Method", "POST")
      .set("Access-Control-Request-Headers", "authorization,content-type,idempotency-key");
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe(APP);
    expect(preflight.headers["access-control-allow-methods"]).toContain("POST");
    expect(preflight.headers["access-control-allow-headers"]?.toLowerCase()).toContain("authorization");
    expect(preflight.headers["access-control-allow-credentials"]).toBeUndefined();
    expect(preflight.headers["access-control-max-age"]).toBe("600");

    const listed = await request(url).get("/api/sessions").set("Origin", APP).set(bearer(stack.key)).expect(200);
    expect(listed.headers["access-control-allow-origin"]).toBe(APP);
    expect(listed.headers.vary).toMatch(/Origin/);
    for (const header of ["Retry-After", "X-Conversation-Id", "RateLimit-Remaining", "X-Next-Cursor"]) {
      expect(listed.headers["access-control-expose-headers"]).toContain(header);
    }
  });

  it("gives a refused origin no CORS headers, on preflights and answers alike", async () => {
    for (const origin of ["https://evil.example.com", "https://app.example.com.evil.com", "http://app.example.com", "null"]) {
      const preflight = await request(url).options("/api/sessions").set("Origin", origin).set("Access-Control-Request-Method", "POST");
      expect({ origin, allow: preflight.headers["access-control-allow-origin"] }).toEqual({ origin, allow: undefined });
      const answer = await request(url).get("/api/sessions").set("Origin", origin).set(bearer(stack.key)).expect(200);
      expect({ origin, allow: answer.headers["access-control-allow-origin"] }).toEqual({ origin, allow: undefined });
    }
  });

  it("a stack with no origins configured sends none", async () => {
    const plain = await startTestStack({ label: "browser-clients-none", workers: 0 });
    try {
      const preflight = await request(plain.apis[0]!.url).options("/api/sessions").set("Origin", APP).set("Access-Control-Request-Method", "GET");
      expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});

describe("stream tokens", () => {
  it("open the session's stream from the URL alone, on any instance, and resume with Last-Event-ID", async () => {
    const sessionId = await createSession(url, stack.key);
    const minted = await mint(sessionId).expect(201);
    expect(minted.body).toEqual({ token: expect.stringMatching(/^mst_[\w-]{40,}$/), expiresAt: expect.any(String) });
    expect(Date.parse(minted.body.expiresAt)).toBeGreaterThan(Date.now());

    const stream = await SseClient.connect(streamUrl(stack.apis[1]!.url, sessionId, minted.body.token));
    expect(stream.status).toBe(200);
    await sendMessage(url, stack.key, sessionId, "hello over a token");
    const done = await stream.waitForEvent(isComplete, 15_000, "the run's complete");
    stream.close();
    const firstContent = stream.events.find((event) => event.event === "content")!;

    // An EventSource reconnect: the same URL with Last-Event-ID gets what came after, and nothing twice.
    const resumed = await SseClient.connect(streamUrl(url, sessionId, minted.body.token), { lastEventId: firstContent.id });
    await resumed.waitForEvent(isComplete, 5_000, "the replayed complete");
    resumed.close();
    const ids = resumed.logEvents.map((event) => Number(event.id));
    expect(ids[0]).toBe(Number(firstContent.id) + 1);
    expect(ids.at(-1)).toBe(Number(done.id));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("are refused for another session, after they expire, on other routes, and once their key is revoked", async () => {
    const sessionId = await createSession(url, stack.key);
    const otherSession = await createSession(url, stack.key);
    const { token } = (await mint(sessionId).expect(201)).body as { token: string };

    const elsewhere = await request(url).get(`/stream?sessionId=${otherSession}&token=${token}`);
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.error.message).toMatch(/another session's stream/);

    for (const path of [`/api/sessions/${sessionId}`, `/api/sessions/${sessionId}/messages`, "/api/sessions"]) {
      const refused = await request(url).get(`${path}?token=${token}`);
      expect({ path, status: refused.status, message: refused.body.error?.message }).toEqual({
        path,
        status: 401,
        message: expect.stringMatching(/opens only GET \/stream/),
      });
    }
    const sent = await request(url).post(`/api/sessions/${sessionId}/messages?token=${token}`).send({ text: "no" });
    expect(sent.status).toBe(401);

    for (const forged of ["mst_nope", "not-a-token", "mst_" + "x".repeat(300), ""]) {
      const answer = await request(url).get(`/stream?sessionId=${sessionId}&token=${encodeURIComponent(forged)}`);
      expect({ forged: forged.slice(0, 10), status: answer.status }).toEqual({ forged: forged.slice(0, 10), status: 401 });
    }

    // A key made for this test, revoked: its token dies with it, and its open stream is cut.
    const made = await request(url).post("/api/workspace/keys").set(bearer(stack.key)).send({ name: "to revoke", role: "read_only" }).expect(201);
    const revocable = (await mint(sessionId, made.body.secret).expect(201)).body.token as string;
    const open = await SseClient.connect(streamUrl(url, sessionId, revocable));
    expect(open.status).toBe(200);
    await request(url).delete(`/api/workspace/keys/${made.body.key.id}`).set(bearer(stack.key)).expect(200);
    await waitFor(() => open.ended, { timeoutMs: 5_000, what: "the revoked key's stream to be cut" });
    const afterRevoke = await request(url).get(`/stream?sessionId=${sessionId}&token=${revocable}`);
    expect(afterRevoke.status).toBe(401);

    // STREAM_TOKEN_TTL_MS is 5 s on this stack: the token lapses by itself.
    const expired = await waitFor(
      async () => {
        const answer = await request(url)
          .get(`/stream?sessionId=${sessionId}&token=${token}`)
          .timeout(1_000)
          .catch(() => null);
        return answer?.status === 401 ? answer : undefined;
      },
      { timeoutMs: 9_000, intervalMs: 200, what: "the token to expire" },
    );
    expect(expired.body.error.message).toMatch(/invalid or expired/);
  });

  it("are minted only for the workspace's own sessions, with a key", async () => {
    await mint("no-such-session").expect(404);
    await request(url).post("/api/sessions/whatever/stream-token").expect(401);
  });
});
