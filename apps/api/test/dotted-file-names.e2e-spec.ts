/**
 * File names that begin with `..` but stay inside the session folder (`...`, `..notes`,
 * `a/..b`): uploaded, listed, read (whole, by range, as a thumbnail) and deleted like any
 * other; while `..` itself, in every spelling, is still refused and changes nothing.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import request from "supertest";
import { createStorageDir } from "@mix/testing";
import { png, rawRequest, upload } from "./helpers/file-fixtures";
import { expectHealthy, storedState } from "./helpers/hostile-checks";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  // Thumbnails are made by a worker, in its sandbox, whose user must pass through STORAGE_DIR.
  storage = await createStorageDir("dotted");
  stack = await startTestStack({ label: "dotted-names", workers: 1, env: { STORAGE_DIR: storage } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

// Sent byte for byte: a client library might normalise a path it thinks holds dot segments.
const call = (method: string, sessionId: string, name: string, headers: Record<string, string> = {}) =>
  rawRequest(url, stack.key, method, `/api/sessions/${sessionId}/files/${name}`, headers);

describe("names that begin with '..' inside the folder", () => {
  it.each(["...", "..notes", "...."])("upload, list, read, range and delete %j", async (name) => {
    const sessionId = await createSession(url, stack.key);
    const bytes = Buffer.from(`the content of ${name}, long enough for a range`);
    const uploaded = await upload(url, stack.key, sessionId, name, bytes).expect(201);
    expect(uploaded.body).toMatchObject({ name, size: bytes.length, url: `/api/sessions/${sessionId}/files/${encodeURIComponent(name)}` });
    const list = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(list.body.map((file: { name: string }) => file.name)).toEqual([name]);

    const whole = await call("GET", sessionId, name);
    expect({ status: whole.status, body: whole.body.toString() }).toEqual({ status: 200, body: bytes.toString() });
    const range = await call("GET", sessionId, name, { Range: "bytes=4-10" });
    expect({ status: range.status, body: range.body.toString() }).toEqual({ status: 206, body: bytes.subarray(4, 11).toString() });

    expect((await call("DELETE", sessionId, name)).status).toBe(204);
    expect((await call("GET", sessionId, name)).status).toBe(404);
  });

  it("an upload named 'a/..b' is stored as its base name '..b'", async () => {
    const sessionId = await createSession(url, stack.key);
    const uploaded = await upload(url, stack.key, sessionId, "a/..b", Buffer.from("based")).expect(201);
    expect(uploaded.body.name).toBe("..b");
    expect((await call("GET", sessionId, "..b")).body.toString()).toBe("based");
  });

  it("serves and deletes 'a/..b' written by the agent, and thumbnails '..notes.png' and 'a/..b.png'", async () => {
    const sessionId = await createSession(url, stack.key);
    const image = await png(300, 200);
    await upload(url, stack.key, sessionId, "..notes.png", image).expect(201);
    await mkdir(path.join(storage, sessionId, "a"));
    await writeFile(path.join(storage, sessionId, "a", "..b"), "in a folder");
    await writeFile(path.join(storage, sessionId, "a", "..b.png"), image);
    const list = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(list.body.map((file: { name: string; isDir: boolean }) => [file.name, file.isDir])).toEqual([
      ["..notes.png", false],
      ["a", true],
    ]);

    const nested = await call("GET", sessionId, "a/..b");
    expect({ status: nested.status, body: nested.body.toString() }).toEqual({ status: 200, body: "in a folder" });
    const nestedRange = await call("GET", sessionId, "a/..b", { Range: "bytes=0-1" });
    expect({ status: nestedRange.status, body: nestedRange.body.toString() }).toEqual({ status: 206, body: "in" });
    for (const name of ["..notes.png", "a/..b.png"]) {
      const thumb = await call("GET", sessionId, `${name}?thumb=50`);
      expect({ name, status: thumb.status, png: thumb.body.subarray(1, 4).toString() }).toEqual({ name, status: 200, png: "PNG" });
    }
    expect((await call("DELETE", sessionId, "a/..b")).status).toBe(204);
    expect((await call("GET", sessionId, "a/..b")).status).toBe(404);
  });
});

describe("'..' itself, however it is spelled", () => {
  it("is refused with 400 on every route, and nothing changes", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "..notes", Buffer.from("stays")).expect(201);
    await mkdir(path.join(storage, sessionId, "a"));
    await writeFile(path.join(storage, sessionId, "a", "x"), "stays too");
    // A file beside the session folders, which every traversal below aims at.
    await writeFile(path.join(storage, "x"), "outside");
    const before = await storedState(stack, url, sessionId);
    const attempts = ["..", "../x", "%2e%2e/x", "%2e%2e", ".%2e/x", "%2e./x", "..%2fx", "a/..", "a/../..notes", "a/%2e%2e/..notes", "a/../../x"];
    for (const attempt of attempts) {
      for (const [method, suffix] of [
        ["GET", ""],
        ["GET", "?thumb=50"],
        ["DELETE", ""],
      ] as const) {
        const response = await call(method, sessionId, attempt + suffix);
        expect([method, attempt + suffix, response.status]).toEqual([method, attempt + suffix, 400]);
        expect(JSON.parse(response.body.toString()).error).toMatchObject({ code: 400, type: "bad_request", reason: "invalid_request" });
      }
    }
    await expectHealthy(url);
    expect(await storedState(stack, url, sessionId)).toEqual(before);
  });
});
