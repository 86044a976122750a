/** Session files: upload, list, download with ranges, delete, limits, isolation and path safety. */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, unlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { MAX_UPLOAD_BYTES } from "@mix/core";
import { rawRequest, upload } from "./helpers/file-fixtures";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;

beforeAll(async () => {
  storage = await mkdtemp(path.join(os.tmpdir(), "mix-files-"));
  stack = await startTestStack({ label: "files", workers: 0, env: { STORAGE_DIR: storage } });
  url = stack.apis[0]!.url;
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

const get = (sessionId: string, name: string) => request(url).get(`/api/sessions/${sessionId}/files/${name}`).set(bearer(stack.key));
const errorOf = (code: number) => ({ error: { code, type: expect.any(String), reason: expect.any(String), message: expect.any(String) } });

describe("upload, list and download", () => {
  it("lists nothing for a new session, then the uploaded file, served back byte for byte", async () => {
    const sessionId = await createSession(url, stack.key);
    await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200, []);
    const bytes = randomBytes(10_000);
    const uploaded = await upload(url, stack.key, sessionId, "data.pdf", bytes).expect(201);
    const expected = { name: "data.pdf", size: 10_000, modified: expect.any(Number), isDir: false, url: `/api/sessions/${sessionId}/files/data.pdf` };
    expect(uploaded.body).toEqual(expected);
    expect(Math.abs(uploaded.body.modified - Date.now() / 1000)).toBeLessThan(60);
    expect((await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200)).body).toEqual([expected]);

    const download = await get(sessionId, "data.pdf").responseType("blob").expect(200);
    expect(download.headers["content-type"]).toBe("application/pdf");
    expect(Buffer.compare(download.body, bytes)).toBe(0);
  });

  it("strips folders from the client's name and overwrites a file of the same name", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "../../notes.txt", Buffer.from("first")).expect(201);
    const second = await upload(url, stack.key, sessionId, "dir/notes.txt", Buffer.from("second!")).expect(201);
    expect(second.body).toMatchObject({ name: "notes.txt", size: 7 });
    const download = await get(sessionId, "notes.txt").expect(200);
    expect(download.headers["content-type"]).toBe("text/plain; charset=utf-8");
    expect(download.text).toBe("second!");
  });

  it.each([".", "..", "a\u0001b", ".thumbs"])("refuses the upload name %j with 400", async (name) => {
    const sessionId = await createSession(url, stack.key);
    const response = await upload(url, stack.key, sessionId, name, Buffer.from("x")).expect(400);
    expect(response.body).toEqual(errorOf(400));
  });

  it("refuses a body without the file field, or not multipart, with 400", async () => {
    const sessionId = await createSession(url, stack.key);
    const path = `/api/sessions/${sessionId}/files/upload`;
    await request(url).post(path).set(bearer(stack.key)).field("other", "x").expect(400);
    await request(url).post(path).set(bearer(stack.key)).send({ file: "x" }).expect(400);
  });

  it("accepts exactly 32 MB and refuses one byte more with 413, keeping nothing", async () => {
    const sessionId = await createSession(url, stack.key);
    const big = Buffer.alloc(MAX_UPLOAD_BYTES, 7);
    await upload(url, stack.key, sessionId, "exact.bin", big).expect(201);
    const tooBig = await upload(url, stack.key, sessionId, "over.bin", Buffer.alloc(MAX_UPLOAD_BYTES + 1, 7)).expect(413);
    expect(tooBig.body).toEqual(errorOf(413));
    const list = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(list.body.map((file: { name: string; size: number }) => [file.name, file.size])).toEqual([["exact.bin", MAX_UPLOAD_BYTES]]);
    // Uploads are received in the store's staging folder beside the sessions, never in the session folder.
    expect(await readdir(path.join(storage, ".staging"))).toEqual([]);
    expect(existsSync(path.join(storage, sessionId, ".uploads"))).toBe(false);
  }, 60_000);
});

describe("range requests", () => {
  it("answers 206 with the bytes asked for, and 416 for a range past the end", async () => {
    const sessionId = await createSession(url, stack.key);
    const bytes = randomBytes(1_000);
    await upload(url, stack.key, sessionId, "blob.bin", bytes).expect(201);
    const partial = await get(sessionId, "blob.bin").set("Range", "bytes=100-199").responseType("blob").expect(206);
    expect(partial.headers["content-range"]).toBe("bytes 100-199/1000");
    expect(partial.headers["accept-ranges"]).toBe("bytes");
    expect(Buffer.compare(partial.body, bytes.subarray(100, 200))).toBe(0);
    const tail = await get(sessionId, "blob.bin").set("Range", "bytes=-10").responseType("blob").expect(206);
    expect(Buffer.compare(tail.body, bytes.subarray(990))).toBe(0);
    const unsatisfiable = await get(sessionId, "blob.bin").set("Range", "bytes=5000-6000").expect(416);
    expect(unsatisfiable.headers["content-range"]).toBe("bytes */1000");
    expect(unsatisfiable.body).toEqual(errorOf(416));
  });
});

describe("nested files, delete", () => {
  it("serves files in folders, deletes a file (204), refuses a folder (400) and a missing file (404)", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "top.txt", Buffer.from("top")).expect(201);
    // A file the agent wrote in a folder.
    await mkdir(path.join(storage, sessionId, "out", "charts"), { recursive: true });
    await writeFile(path.join(storage, sessionId, "out", "charts", "a b.csv"), "x,y\n");
    const list = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(list.body.map((file: { name: string; isDir: boolean }) => [file.name, file.isDir])).toEqual([
      ["out", true],
      ["top.txt", false],
    ]);
    expect((await get(sessionId, "out/charts/a%20b.csv").expect(200)).text).toBe("x,y\n");

    const del = (name: string) => request(url).delete(`/api/sessions/${sessionId}/files/${name}`).set(bearer(stack.key));
    await del("out").expect(400);
    await del("out/charts/a%20b.csv").expect(204);
    await del("top.txt").expect(204);
    expect((await del("top.txt").expect(404)).body).toEqual(errorOf(404));
    await get(sessionId, "top.txt").expect(404);
  });
});

describe("path safety", () => {
  it("never serves anything outside the session folder", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "inside.txt", Buffer.from("inside")).expect(201);
    const secret = path.join(storage, "secret.txt");
    await writeFile(secret, "TOP SECRET");
    await symlink(secret, path.join(storage, sessionId, "link.txt"));
    await symlink(storage, path.join(storage, sessionId, "up"));
    const base = `/api/sessions/${sessionId}/files/`;
    const attempts = [
      "..%2F..%2Fetc%2Fpasswd",
      "%2e%2e/secret.txt",
      "%2e%2e%2fsecret.txt",
      "..%5csecret.txt",
      "%2Fetc%2Fpasswd",
      "link.txt",
      "up/secret.txt",
      "a%00b",
      "%E0%A4%A",
    ];
    for (const attempt of attempts) {
      for (const method of ["GET", "DELETE"]) {
        const response = await rawRequest(url, stack.key, method, base + attempt);
        expect([method, attempt, response.status]).toEqual([method, attempt, 400]);
        expect(response.body.toString()).not.toMatch(/TOP SECRET|root:/);
      }
    }
    expect(existsSync(secret)).toBe(true);
  });
});

describe("links the sandbox plants in the session folder", () => {
  it("a .uploads link does not redirect an upload, and a link at the name is replaced, not written through", async () => {
    const sessionId = await createSession(url, stack.key);
    const outside = await mkdtemp(path.join(storage, "outside-"));
    const secret = path.join(outside, "secret.txt");
    await writeFile(secret, "TOP SECRET");
    await mkdir(path.join(storage, sessionId));
    await symlink(outside, path.join(storage, sessionId, ".uploads"));
    await symlink(secret, path.join(storage, sessionId, "notes.txt"));
    await upload(url, stack.key, sessionId, "notes.txt", Buffer.from("mine")).expect(201);
    expect(await readdir(outside)).toEqual(["secret.txt"]);
    expect(await readFile(secret, "utf8")).toBe("TOP SECRET");
    expect((await get(sessionId, "notes.txt").expect(200)).text).toBe("mine");
  });

  it("a file swapped for a link to outside is no longer served", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "doc.txt", Buffer.from("inside")).expect(201);
    const secret = path.join(storage, "swapped-secret.txt");
    await writeFile(secret, "TOP SECRET");
    await unlink(path.join(storage, sessionId, "doc.txt"));
    await symlink(secret, path.join(storage, sessionId, "doc.txt"));
    const response = await get(sessionId, "doc.txt").expect(400);
    expect(response.text).not.toMatch(/TOP SECRET/);
  });
});

describe("isolation and session delete", () => {
  it("answers 404 for another workspace's session and an unknown one, on every route", async () => {
    const sessionId = await createSession(url, stack.otherKey);
    await upload(url, stack.otherKey, sessionId, "theirs.txt", Buffer.from("theirs")).expect(201);
    for (const id of [sessionId, "00000000-0000-0000-0000-000000000000"]) {
      await request(url).get(`/api/sessions/${id}/files`).set(bearer(stack.key)).expect(404);
      await upload(url, stack.key, id, "mine.txt", Buffer.from("mine")).expect(404);
      await get(id, "theirs.txt").expect(404);
      await request(url).delete(`/api/sessions/${id}/files/theirs.txt`).set(bearer(stack.key)).expect(404);
    }
    expect(existsSync(path.join(storage, sessionId, "theirs.txt"))).toBe(true);
  });

  it("deletes the session's folder with the session", async () => {
    const sessionId = await createSession(url, stack.key);
    await upload(url, stack.key, sessionId, "gone.txt", Buffer.from("bye")).expect(201);
    expect(existsSync(path.join(storage, sessionId))).toBe(true);
    await request(url).delete(`/api/sessions/${sessionId}`).set(bearer(stack.key)).expect(204);
    expect(existsSync(path.join(storage, sessionId))).toBe(false);
  });
});
