/**
 * Uploads that go wrong on purpose, sent byte by byte over raw sockets: a multipart body cut
 * short, a client that vanishes mid-upload, a body over the 32 MB cap. Each answers its own
 * request (or none, when the client is gone) and never takes the process down; afterwards the
 * API answers, nothing stored changed, and no staged file or file descriptor is left behind.
 */
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { MAX_UPLOAD_BYTES } from "@mix/core";
import { waitFor } from "@mix/testing";
import { upload } from "./helpers/file-fixtures";
import {
  expectDescriptorsBack,
  expectHealthy,
  filePartHead,
  openDescriptors,
  RawConnection,
  stagingEntries,
  storedState,
  uploadHead,
} from "./helpers/hostile-checks";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;
let sessionId: string;
let before: unknown;
let descriptors: number;

beforeAll(async () => {
  // realpath: descriptors are compared by the path the kernel reports.
  storage = await realpath(await mkdtemp(path.join(os.tmpdir(), "mix-hostile-uploads-")));
  stack = await startTestStack({ label: "hostile-uploads", workers: 0, env: { STORAGE_DIR: storage } });
  url = stack.apis[0]!.url;
  sessionId = await createSession(url, stack.key, { title: "kept as it is" });
  await upload(url, stack.key, sessionId, "kept.txt", Buffer.from("the file to keep")).set("Connection", "close").expect(201);
  before = await storedState(stack, url, sessionId);
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

beforeEach(async () => {
  await expectHealthy(url);
  descriptors = openDescriptors().length;
});

/** After every hostile upload: healthy, unchanged, nothing staged, no descriptor left open. */
afterEach(async () => {
  await expectHealthy(url);
  await waitFor(async () => (await stagingEntries(storage)).length === 0, { what: "an empty staging folder" });
  await expectDescriptorsBack(descriptors, storage);
  expect(await storedState(stack, url, sessionId)).toEqual(before);
});

const BOUNDARY = "hostile-boundary";

describe("a multipart body cut short", () => {
  it("in the middle of the file answers 400 for that request, and the next request is served", async () => {
    const body = filePartHead(BOUNDARY, "cut.txt") + "the first half of a file th";
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, Buffer.byteLength(body)) + body);
    const answer = await connection.answer();
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toEqual({
      error: { code: 400, type: "bad_request", reason: "invalid_request", message: "Malformed multipart body: Unexpected end of form" },
    });
  });

  it("after a complete file part but before the closing boundary keeps nothing (400)", async () => {
    const body = `${filePartHead(BOUNDARY, "whole-but-unfinished.txt")}every byte of the file\r\n--${BOUNDARY}`;
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, Buffer.byteLength(body)) + body);
    const answer = await connection.answer();
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 400, reason: "invalid_request", message: expect.stringMatching(/^Malformed multipart body/) });
  });

  it("replacing an existing file keeps the old one whole (400)", async () => {
    const body = filePartHead(BOUNDARY, "kept.txt") + "a replacement that never ";
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, Buffer.byteLength(body)) + body);
    expect((await connection.answer()).status).toBe(400);
  });

  it("shorter than its Content-Length, then half-closed: 400, and the upload is dropped", async () => {
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, 5_000_000) + filePartHead(BOUNDARY, "short.bin") + "x".repeat(100_000));
    await waitFor(async () => (await stagingEntries(storage)).length === 1, { what: "the upload to be staged" });
    connection.end();
    // Node's HTTP parser answers this one itself (a bare 400: the body can never be complete);
    // the route sees its request aborted and drops what it staged.
    const answer = await connection.answer();
    expect({ status: answer.status, body: answer.body }).toEqual({ status: 400, body: "" });
  });
});

describe("a client that disconnects mid-upload", () => {
  it("leaves nothing behind once the socket is gone", async () => {
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, 8_000_000) + filePartHead(BOUNDARY, "abandoned.bin"));
    await connection.write(Buffer.alloc(2_000_000, 1));
    // Under way for real: the store has opened its staging file and is writing to it.
    await waitFor(async () => (await stagingEntries(storage)).length === 1, { what: "the upload to be staged" });
    await waitFor(() => openDescriptors().some((target) => target.startsWith(path.join(storage, ".staging"))), { what: "the staged file to be open" });
    connection.destroy();
  });

  it("before the file part even began", async () => {
    const connection = await RawConnection.open(url);
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, 1_000) + `--${BOUNDARY}\r\nContent-Dispo`);
    connection.destroy();
  });
});

describe("a body over the 32 MB cap", () => {
  it("answers 413 too_large and keeps nothing, even under an existing file's name", async () => {
    const response = await request(url)
      .post(`/api/sessions/${sessionId}/files/upload`)
      .set(bearer(stack.key))
      .set("Connection", "close")
      .attach("file", Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7), "kept.txt");
    expect(response.status).toBe(413);
    expect(response.body).toEqual({
      error: { code: 413, type: "validation_error", reason: "too_large", message: `File exceeds the limit of ${MAX_UPLOAD_BYTES} bytes` },
    });
  }, 60_000);

  it("over a raw socket that keeps sending after the answer, answers 413 all the same", async () => {
    const connection = await RawConnection.open(url);
    const total = MAX_UPLOAD_BYTES + 4 * 1024 * 1024;
    await connection.write(uploadHead(sessionId, stack.key, BOUNDARY, total) + filePartHead(BOUNDARY, "huge.bin"));
    const chunk = Buffer.alloc(1024 * 1024, 3);
    // Stops writing once the server has answered and closed; the rest of the claimed body never comes.
    for (let sent = 0; sent < total - 2 * chunk.length; sent += chunk.length) {
      const written = await connection.write(chunk).then(
        () => true,
        (error: NodeJS.ErrnoException) => {
          if (error.code === "EPIPE" || error.code === "ECONNRESET") return false;
          throw error;
        },
      );
      if (!written) break;
    }
    connection.end();
    const answer = await connection.answer(30_000);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error).toMatchObject({ code: 413, reason: "too_large" });
  }, 60_000);
});
