/** A server without ffmpeg answers a video thumbnail with a clear error, not a crash. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseThumbSpec } from "./thumbnail-spec";
import { writeVideoFrame } from "./video-frame";

describe("writeVideoFrame without ffmpeg", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "no-ffmpeg-"));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("rejects with 501 internal_error naming ffmpeg", async () => {
    const missingBinary = path.join(dir, "ffmpeg");
    const made = writeVideoFrame(path.join(dir, "in.mp4"), path.join(dir, "out.jpg"), parseThumbSpec("100", undefined), missingBinary);
    await expect(made).rejects.toMatchObject({ status: 501, type: "internal_error", message: expect.stringMatching(/ffmpeg/) });
  });
});
