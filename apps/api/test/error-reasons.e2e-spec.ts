/**
 * Every kind of error answer says what happened in `error.reason`, while `error.type` stays
 * within the contract's enum (strict Mix clients validate it): each body is checked against the
 * contract's ErrorResponse and against our own schema. A 500 carries an id, and the API goes on
 * answering after it.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request, { type Response } from "supertest";
import { ErrorReason, ErrorResponse, loadConfig } from "@mix/core";
import { createApiApp } from "../src/app";
import { ContractSchema, describeErrors } from "./contract/contract-schema";
import { upload } from "./helpers/file-fixtures";
import { createSession, sendMessage } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

const contract = new ContractSchema();
let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  storage = await mkdtemp(path.join(os.tmpdir(), "mix-error-reasons-"));
  stack = await startTestStack({
    label: "error-reasons",
    workers: 0,
    env: { STORAGE_DIR: storage, BODY_LIMIT_BYTES: "2048", MESSAGE_RATE_LIMIT_PER_MINUTE: "2" },
  });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

/** The body is a valid contract error and a valid one of ours; returns its `error`. */
function errorOf(response: Response | { status: number; body: unknown }): ErrorResponse["error"] {
  const validate = contract.schema("ErrorResponse");
  expect({ status: response.status, errors: validate(response.body) ? "" : describeErrors(validate) }).toEqual({ status: response.status, errors: "" });
  const parsed = ErrorResponse.safeParse(response.body);
  expect(parsed.error?.message).toBeUndefined();
  expect(ErrorReason.options).toContain(parsed.data!.error.reason);
  return parsed.data!.error;
}

const as = (key = stack.key) => bearer(key);

it.each([
  [
    "malformed JSON",
    400,
    "bad_request",
    "invalid_request",
    () => request(url).post("/api/sessions").set(as()).set("Content-Type", "application/json").send("{nope"),
  ],
  ["a field that fails validation", 400, "validation_error", "validation_failed", () => request(url).post("/api/sessions").set(as()).send({})],
  [
    "an upload that is not multipart",
    400,
    "bad_request",
    "unsupported_media_type",
    async () =>
      request(url)
        .post(`/api/sessions/${await createSession(url, stack.key)}/files/upload`)
        .set(as())
        .send({ file: "x" }),
  ],
  ["no API key", 401, "unauthorized", "unauthorized", () => request(url).get("/api/sessions")],
  ["an unknown session", 404, "not_found", "not_found", () => request(url).get("/api/sessions/missing").set(as())],
  ["an unknown route", 404, "not_found", "not_found", () => request(url).get("/api/no-such-route").set(as())],
  [
    "a JSON body over BODY_LIMIT_BYTES",
    413,
    "validation_error",
    "too_large",
    () =>
      request(url)
        .post("/api/sessions")
        .set(as())
        .send({ title: "x".repeat(4096) }),
  ],
] as const)("%s: %i %s, reason %s", async (_what, code, type, reason, send) => {
  const error = errorOf(await send());
  expect(error).toEqual({ code, type, reason, message: expect.any(String) });
});

it("409 conflict: deleting a session whose run is queued", async () => {
  const sessionId = await createSession(url, stack.key);
  await sendMessage(url, stack.key, sessionId, "queued, since no worker runs");
  const error = errorOf(await request(url).delete(`/api/sessions/${sessionId}`).set(as()));
  expect(error).toEqual({ code: 409, type: "bad_request", reason: "conflict", message: expect.stringMatching(/active run/) });
});

it("416 range_not_satisfiable: a range past the end of a file", async () => {
  const sessionId = await createSession(url, stack.key);
  await upload(url, stack.key, sessionId, "short.txt", Buffer.from("short")).expect(201);
  const response = await request(url).get(`/api/sessions/${sessionId}/files/short.txt`).set(as()).set("Range", "bytes=100-200");
  expect(errorOf(response)).toEqual({ code: 416, type: "bad_request", reason: "range_not_satisfiable", message: expect.any(String) });
});

it("429 rate_limited: one message over MESSAGE_RATE_LIMIT_PER_MINUTE", async () => {
  const { apiKey } = await stack.apis[0]!.api.services.apiKeys.createWorkspace("chatty");
  const sessionId = await createSession(url, apiKey);
  for (const text of ["one", "two"]) await sendMessage(url, apiKey, sessionId, text);
  const refused = await request(url).post(`/api/sessions/${sessionId}/messages`).set(as(apiKey)).send({ text: "three" });
  expect(errorOf(refused)).toEqual({ code: 429, type: "bad_request", reason: "rate_limited", message: expect.stringMatching(/^Rate limit exceeded/) });
  expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
});

it("500 internal: an unexpected failure answers with an id, and the next request is served", async () => {
  // An instance whose Redis connection is gone: every route that needs Redis fails unexpectedly.
  const broken = await createApiApp(loadConfig({ ...stack.env, LOG_LEVEL: "silent" }));
  try {
    broken.infrastructure.redis.disconnect();
    const server = broken.app.getHttpServer();
    const sessionId = await createSession(url, stack.key);
    const response = await request(server).get(`/stream?sessionId=${sessionId}`).set(as());
    expect(errorOf(response)).toEqual({
      code: 500,
      type: "internal_error",
      reason: "internal",
      message: expect.stringMatching(/^Internal server error \(id [0-9a-f-]{36}\)$/),
    });
    const next = await request(server).get(`/api/sessions/${sessionId}`).set(as());
    expect(next.status).toBe(200);
  } finally {
    await broken.infrastructure.redis.connect();
    await broken.close();
  }
});
