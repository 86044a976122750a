/**
 * Security headers (helmet) on JSON answers, error answers, file downloads and the SSE stream,
 * which still streams; no X-Powered-By anywhere; and Swagger UI at /api/docs still loads under
 * its own policy (every script it needs is a same-origin file its policy allows).
 */
import { rm } from "node:fs/promises";
import request from "supertest";
import { createStorageDir } from "@mix/testing";
import { upload } from "./helpers/file-fixtures";
import { createSession, isComplete, openStream, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  storage = await createStorageDir("security-headers");
  stack = await startTestStack({ label: "security-headers", env: { STORAGE_DIR: storage, SCRIPTED_DELAY_MS: "0" } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

const API_POLICY = "default-src 'none';frame-ancestors 'none'";

/** The headers every answer carries, whatever it is. */
function expectSecurityHeaders(headers: Record<string, unknown>, policy = API_POLICY): void {
  expect(headers["x-powered-by"]).toBeUndefined();
  expect({
    csp: headers["content-security-policy"],
    nosniff: headers["x-content-type-options"],
    frame: headers["x-frame-options"],
    referrer: headers["referrer-policy"],
    corp: headers["cross-origin-resource-policy"],
    coop: headers["cross-origin-opener-policy"],
    hsts: headers["strict-transport-security"],
  }).toEqual({
    csp: policy,
    nosniff: "nosniff",
    frame: "DENY",
    referrer: "no-referrer",
    corp: "same-origin",
    coop: "same-origin",
    hsts: expect.stringMatching(/^max-age=\d+/),
  });
}

it("sets them on JSON answers, and on error answers, without X-Powered-By", async () => {
  const ok = await request(url).get("/api/sessions").set(bearer(stack.key)).expect(200);
  expectSecurityHeaders(ok.headers);
  expectSecurityHeaders((await request(url).get("/health").expect(200)).headers);
  expectSecurityHeaders((await request(url).get("/api/sessions").expect(401)).headers);
  expectSecurityHeaders((await request(url).get("/no/such/route").set(bearer(stack.key)).expect(404)).headers);
  expectSecurityHeaders(
    (await request(url).post("/api/sessions").set(bearer(stack.key)).set("Content-Type", "application/json").send("{").expect(400)).headers,
  );
});

it("sets them on a file download, whose own sandbox policy wins", async () => {
  const sessionId = await createSession(url, stack.key);
  await upload(url, stack.key, sessionId, "page.html", Buffer.from("<script>alert(1)</script>")).expect(201);
  const download = await request(url).get(`/api/sessions/${sessionId}/files/page.html`).set(bearer(stack.key)).expect(200);
  expectSecurityHeaders(download.headers, "sandbox");
  expect(download.text).toBe("<script>alert(1)</script>");
});

it("sets them on the SSE stream, which still delivers a whole run as it happens", async () => {
  const sessionId = await createSession(url, stack.key);
  const stream = await openStream(url, stack.key, sessionId);
  try {
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expectSecurityHeaders(stream.headers as Record<string, unknown>);
    await sendMessage(url, stack.key, sessionId, "stream through helmet");
    await stream.waitForEvent(isComplete, 30_000, "the run's complete event");
    expect(stream.logEvents.filter((event) => event.event === "content").length).toBeGreaterThan(1);
    expect(stream.ended).toBe(false);
  } finally {
    stream.close();
  }
});

describe("Swagger UI at /api/docs", () => {
  it("loads: its page, every script and stylesheet it names, and the document, all allowed by its policy", async () => {
    const page = await request(url).get("/api/docs").redirects(1).expect(200);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    const policy = String(page.headers["content-security-policy"]);
    expectSecurityHeaders(page.headers, policy);
    const directives = Object.fromEntries(
      policy
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives["script-src"]).toEqual(["'self'"]);
    // The page has a <style> block and Swagger UI sets inline styles; its icons are data: images.
    expect(directives["style-src"]).toEqual(["'self'", "'unsafe-inline'"]);
    expect(directives["img-src"]).toEqual(expect.arrayContaining(["'self'", "data:"]));
    expect(directives["connect-src"]).toEqual(["'self'"]);

    // No inline script, which 'self' would block: every script is a file of this server.
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    expect(scripts.map(([, , body]) => body!.trim())).toEqual(scripts.map(() => ""));
    const sources = scripts.map(([, attributes]) => /src=['"]([^'"]+)['"]/.exec(attributes!)![1]!);
    const stylesheets = [...page.text.matchAll(/<link[^>]+rel=['"]stylesheet['"][^>]*>/g)].map(([tag]) => /href=['"]([^'"]+)['"]/.exec(tag)![1]!);
    for (const source of [...sources, ...stylesheets]) {
      const resolved = new URL(source, `${url}/api/docs/`);
      expect(resolved.origin).toBe(url);
      const asset = await request(url).get(resolved.pathname).expect(200);
      expect([source, asset.headers["content-type"]]).toEqual([source, expect.stringMatching(/javascript|css/)]);
    }
    const document = await request(url).get("/api/docs/openapi.json").expect(200);
    expect(document.body.openapi).toMatch(/^3\./);
  });

  it("keeps the strict policy everywhere else", async () => {
    expectSecurityHeaders((await request(url).get("/api/docsx").set(bearer(stack.key)).expect(404)).headers);
  });
});
