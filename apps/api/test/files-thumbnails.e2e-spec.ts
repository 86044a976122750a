/** Thumbnails of session files: images through sharp, videos through ffmpeg, cached per source version. */
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, readdir, rm, symlink } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import request from "supertest";
import { createStorageDir } from "@mix/testing";
import { dimensions, png, upload } from "./helpers/file-fixtures";
import { createSession } from "./helpers/session-fixtures";
import { bearer, startTestStack, type TestStack } from "./helpers/test-stack";

let stack: TestStack;
let url: string;
let storage: string;
let sessionId: string;

beforeAll(async () => {
  // Passable by the sandbox user, as STORAGE_DIR must be: thumbnails are made in the sandbox.
  storage = await createStorageDir("thumbs");
  // One worker: ffmpeg runs in its sandbox, as a parser job.
  stack = await startTestStack({ label: "files-thumbs", workers: 1, env: { STORAGE_DIR: storage } });
  url = stack.apis[0]!.url;
  sessionId = await createSession(url, stack.key);
  await upload(url, stack.key, sessionId, "photo.png", await png(400, 300)).expect(201);
  await upload(url, stack.key, sessionId, "notes.txt", Buffer.from("not an image")).expect(201);
});
afterAll(async () => {
  await stack?.close();
  await rm(storage, { recursive: true, force: true });
});

const thumb = (name: string, query: string) =>
  request(url).get(`/api/sessions/${sessionId}/files/${name}?${query}`).set(bearer(stack.key)).responseType("blob");
const errorBody = (response: { body: Buffer }) => JSON.parse(response.body.toString());

describe("image thumbnails", () => {
  it.each([
    ["100", 100, 75],
    ["w100", 100, 75],
    ["h100", 133, 100],
    ["w1024", 400, 300], // never enlarged
  ])("thumb=%s of a 400x300 PNG is %ix%i", async (spec, width, height) => {
    const response = await thumb("photo.png", `thumb=${spec}`).expect(200);
    expect(response.headers["content-type"]).toBe("image/png");
    expect(await dimensions(response.body)).toEqual({ width, height, format: "png" });
  });

  it.each(["15", "1025", "x100", "w", "", "100px", "w-100"])("thumb=%j answers 400 in the error shape", async (spec) => {
    const response = await thumb("photo.png", `thumb=${encodeURIComponent(spec)}`).expect(400);
    expect(errorBody(response)).toEqual({ error: { code: 400, type: "bad_request", reason: "invalid_request", message: expect.stringMatching(/thumb/) } });
  });

  it("answers 400 for a file that is neither an image nor a video, and 404 for a missing one", async () => {
    expect(errorBody(await thumb("notes.txt", "thumb=100").expect(400)).error.message).toMatch(/images and videos/);
    await thumb("missing.png", "thumb=100").expect(404);
  });

  it("caches the thumbnail, and makes a new one once the source changes", async () => {
    const name = "changing.png";
    await upload(url, stack.key, sessionId, name, await png(400, 300)).expect(201);
    expect(await dimensions((await thumb(name, "thumb=w200").expect(200)).body)).toMatchObject({ width: 200, height: 150 });
    // The store's cache beside the sessions, out of the sandbox's reach.
    const cache = path.join(storage, ".cache", sessionId, "thumbs");
    const cached = await readdir(cache);
    expect(await dimensions((await thumb(name, "thumb=w200").expect(200)).body)).toMatchObject({ width: 200, height: 150 });
    expect(await readdir(cache)).toEqual(cached);

    await upload(url, stack.key, sessionId, name, await png(300, 600)).expect(201);
    expect(await dimensions((await thumb(name, "thumb=w200").expect(200)).body)).toMatchObject({ width: 200, height: 400 });
    const listed = await request(url).get(`/api/sessions/${sessionId}/files`).set(bearer(stack.key)).expect(200);
    expect(listed.body.map((file: { name: string }) => file.name)).not.toContain(".thumbs");
  });

  it("never writes into a .thumbs link planted in the session folder", async () => {
    const outside = await mkdtemp(path.join(storage, "outside-"));
    await symlink(outside, path.join(storage, sessionId, ".thumbs"));
    await upload(url, stack.key, sessionId, "planted.png", await png(120, 60)).expect(201);
    expect(await dimensions((await thumb("planted.png", "thumb=w60").expect(200)).body)).toMatchObject({ width: 60, height: 30 });
    expect(await readdir(outside)).toEqual([]);
    await rm(path.join(storage, sessionId, ".thumbs"));
  });
});

describe("video thumbnails", () => {
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "mix-video-"));
    const video = path.join(dir, "clip.mp4");
    execFileSync("ffmpeg", [
      "-hide_banner",
      "-loglevel",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc=size=320x240:rate=10",
      "-t",
      "2",
      "-pix_fmt",
      "yuv420p",
      video,
    ]);
    await upload(url, stack.key, sessionId, "clip.mp4", await readFile(video)).expect(201);
    await rm(dir, { recursive: true, force: true });
  });

  it("makes a JPEG of the frame at ?time, scaled to the spec", async () => {
    const box = await thumb("clip.mp4", "thumb=100&time=0.5").expect(200);
    expect(box.headers["content-type"]).toBe("image/jpeg");
    expect(await dimensions(box.body)).toEqual({ width: 100, height: 75, format: "jpeg" });
    expect(await dimensions((await thumb("clip.mp4", "thumb=h120").expect(200)).body)).toMatchObject({ width: 160, height: 120 });
  });

  it.each(["-1", "86401", "abc", "1e3", ""])("time=%j answers 400", async (time) => {
    const response = await thumb("clip.mp4", `thumb=100&time=${encodeURIComponent(time)}`).expect(400);
    expect(errorBody(response).error.message).toMatch(/time/);
  });

  it("answers 400 for a time past the end of the video", async () => {
    expect(errorBody(await thumb("clip.mp4", "thumb=100&time=60").expect(400)).error.message).toMatch(/No video frame/);
  });
});
