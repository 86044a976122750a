/**
 * Text Postgres cannot store (a NUL byte, a lone surrogate) in every string of every route of
 * the OpenAPI document: each answers 400 in the contract's error shape, naming the field, and
 * afterwards the API is healthy and nothing stored has changed.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import request from "supertest";
import { UNSAFE_TEXT_MESSAGE } from "@mix/core";
import { fakeOAuthEnv, startFakeOAuthServer, type FakeOAuthServer } from "./helpers/fake-oauth-server";
import { hostileRequests, pathParamRequests, type HostileRequest } from "./helpers/hostile-requests";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let oauth: FakeOAuthServer;
let sessionId: string;
const storageDir = mkdtempSync(join(tmpdir(), "mix-hostile-"));

beforeAll(async () => {
  oauth = await startFakeOAuthServer();
  stack = await startTestStack({
    label: "hostile-text",
    workers: 0,
    env: { STORAGE_DIR: storageDir, CREDENTIALS_ENCRYPTION_KEY: randomBytes(32).toString("hex"), ...fakeOAuthEnv(oauth) },
  });
  url = stack.apis[0]!.url;
  sessionId = await createSession(url, stack.key, { title: "kept as it is" });
  await sendMessage(url, stack.key, sessionId, "a message to keep", { "Idempotency-Key": "kept" });
  await request(url).post(`/api/sessions/${sessionId}/files/upload`).set(bearer(stack.key)).attach("file", Buffer.from("kept"), "a.txt").expect(201);
});
afterAll(async () => {
  await stack?.close();
  await oauth?.close();
  rmSync(storageDir, { recursive: true, force: true });
});

/** Everything a hostile request could have written, read back through the database and the API. */
async function storedState() {
  const { prisma } = stack.apis[0]!.api.infrastructure;
  const get = async (path: string) => (await request(url).get(path).set(bearer(stack.key)).expect(200)).body as unknown;
  return {
    counts: await Promise.all([prisma.workspace.count(), prisma.session.count(), prisma.message.count(), prisma.part.count(), prisma.run.count()]),
    credentials: await prisma.providerCredential.count(),
    preferences: await prisma.workspacePreferences.count(),
    sessions: await get("/api/sessions"),
    messages: await get(`/api/sessions/${sessionId}/messages`),
    files: await get(`/api/sessions/${sessionId}/files`),
    policy: await get("/api/permissions/policy"),
    sandbox: await get("/api/sandbox"),
    workspace: await prisma.workspace.findMany({ orderBy: { id: "asc" } }),
  };
}

/** A request written byte by byte, for what an HTTP client library refuses to send. */
function rawRequest(lines: string[], body = ""): Promise<{ status: number; text: string }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1", () => {
      socket.write([...lines, `Content-Length: ${Buffer.byteLength(body)}`, "Connection: close", "", body].join("\r\n"));
    });
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
  });
}

async function send(hostile: HostileRequest): Promise<{ status: number; body: unknown }> {
  const auth = `Authorization: Bearer ${stack.key}`;
  if (hostile.rawHeader !== undefined) {
    const body = hostile.json === undefined ? "" : JSON.stringify(hostile.json);
    const answer = await rawRequest([`${hostile.method} ${hostile.path} HTTP/1.1`, "Host: x", auth, "Content-Type: application/json", hostile.rawHeader], body);
    return { status: answer.status, body: answer.text };
  }
  if (hostile.multipartFileName !== undefined) {
    const boundary = "hostile-boundary";
    const disposition = `Content-Disposition: form-data; name="file"; filename*=UTF-8''${hostile.multipartFileName}`;
    const body = [`--${boundary}`, disposition, "", "bytes", `--${boundary}--`, ""].join("\r\n");
    const answer = await rawRequest([`POST ${hostile.path} HTTP/1.1`, "Host: x", auth, `Content-Type: multipart/form-data; boundary=${boundary}`], body);
    const json = answer.text.slice(answer.text.indexOf("\r\n\r\n") + 4);
    return { status: answer.status, body: json.startsWith("{") ? JSON.parse(json) : json };
  }
  // Bounded: a request that got through would hold a stream (SSE, chat) open.
  const call = request(url)[hostile.method.toLowerCase() as "get"](hostile.path).set(bearer(stack.key)).timeout(5_000);
  const response = await (hostile.json === undefined ? call : call.send(hostile.json as object)).catch((error: Error) => ({ status: 0, body: error.message }));
  return { status: response.status, body: response.body };
}

const fixtures = () => ({
  pathParams: { id: sessionId, filename: "a.txt", provider: "anthropic", name: "review" },
  queryParams: { sessionId },
  bodyValues: { subagentType: "" },
});

it("refuses NUL bytes and lone surrogates in every string of every route with a 400 naming the field, and changes nothing", async () => {
  const hostile = hostileRequests(fixtures());
  expect(new Set(hostile.map((one) => one.route)).size).toBeGreaterThanOrEqual(40);
  const before = await storedState();

  const wrong: { route: string; path: string; field?: string; status: number; body: unknown }[] = [];
  for (const one of hostile) {
    const { status, body } = await send(one);
    const error = (body as { error?: { code?: unknown; message?: unknown; type?: unknown } } | undefined)?.error;
    const message = typeof error?.message === "string" ? error.message : "";
    const shaped = error?.code === 400 && typeof error.type === "string" && message !== "";
    const right =
      status === 400 &&
      (one.refusal === "bare" ||
        (shaped && one.refusal === "undecodable" && message.includes("Failed to decode param")) ||
        (shaped && one.refusal === "named" && (one.field === undefined || message.includes(`${one.field}: ${UNSAFE_TEXT_MESSAGE}`))));
    if (!right) wrong.push({ route: one.route, path: one.path, field: one.field, status, body });
  }
  expect(wrong).toEqual([]);

  await request(url).get("/health").expect(200);
  expect(await storedState()).toEqual(before);
}, 120_000);

// Ids are text columns, so any id is only looked up; the ones of no resource are a 404.
it.each([
  ["not a UUID", "not-a-uuid"],
  ["the nil UUID", "00000000-0000-0000-0000-000000000000"],
  ["SQL", encodeURIComponent("' OR 1=1 --")],
  ["non-ASCII", encodeURIComponent("é✓😀")],
  ["dots", "%2E%2E"],
  ["2,000 characters", "x".repeat(2_000)],
])("answers an id that is %s with a 404 (a provider with a 400) on every route, and changes nothing", async (_, value) => {
  const before = await storedState();
  const answers = await Promise.all(
    pathParamRequests(fixtures(), value).map(async (one) => {
      const { status: code, body } = await send(one);
      // A file name may also be refused as a name (`..`, too long): 400 or 404, never more.
      const status = one.field === "filename" && (code === 400 || code === 404) ? "400 or 404" : code;
      return { route: one.route, field: one.field, status, type: (body as { error?: { type?: string } }).error?.type };
    }),
  );
  expect(answers.length).toBeGreaterThan(20);
  const expected = answers.map(({ route, field }) => {
    const status = field === "provider" ? 400 : field === "filename" ? "400 or 404" : 404;
    return { route, field, status, type: expect.any(String) };
  });
  expect(answers).toEqual(expected);
  await request(url).get("/health").expect(200);
  expect(await storedState()).toEqual(before);
});
