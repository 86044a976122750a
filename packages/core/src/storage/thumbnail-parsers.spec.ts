/**
 * Thumbnails in the parser sandbox: vipsthumbnail scales an image down and never up; a file that
 * is no image, or no video for ffmpeg, answers 400 and writes nothing.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { testParserStorage } from "../../test/helpers/test-sandbox";
import type { ConfinedParser } from "../parsing/confined-parser";
import { writeImageThumbnail } from "./image-thumbnail";
import { parseThumbSpec } from "./thumbnail-spec";
import { writeVideoFrame } from "./video-frame";

let dir: string;
let parser: ConfinedParser;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root: dir, parser, cleanup } = await testParserStorage("thumbnails"));
});
afterAll(() => cleanup());

it("fits a box or one side, keeps the aspect ratio and never enlarges", async () => {
  const source = path.join(dir, "photo.png");
  await sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 10, b: 10 } } })
    .png()
    .toFile(source);
  const sizes: Array<[string, "png" | "jpeg", { width: number; height: number; format: string }]> = [
    ["100", "jpeg", { width: 100, height: 75, format: "jpeg" }],
    ["h120", "png", { width: 160, height: 120, format: "png" }],
    ["1000", "jpeg", { width: 400, height: 300, format: "jpeg" }],
  ];
  for (const [thumb, format, expected] of sizes) {
    const target = path.join(dir, `out-${thumb}`);
    await writeImageThumbnail(source, target, parseThumbSpec(thumb, undefined), format, parser);
    expect(await sharp(await readFile(target)).metadata()).toMatchObject(expected);
  }
});

it("answers 400 for a file that is no image, and writes no thumbnail", async () => {
  const source = path.join(dir, "fake.png");
  await writeFile(source, "not an image, whatever its name says");
  const target = path.join(dir, "fake-out.jpg");
  await expect(writeImageThumbnail(source, target, parseThumbSpec("100", undefined), "jpeg", parser)).rejects.toMatchObject({
    status: 400,
    message: expect.stringMatching(/^Cannot read the image: /),
  });
  await expect(stat(target)).rejects.toMatchObject({ code: "ENOENT" });
});

it("answers 400 for a file ffmpeg cannot decode, and writes no thumbnail", async () => {
  const source = path.join(dir, "clip.mp4");
  await writeFile(source, Buffer.from("not a video, whatever its name says"));
  const target = path.join(dir, "out.jpg");
  await expect(writeVideoFrame(source, target, parseThumbSpec("100", undefined), parser)).rejects.toMatchObject({
    status: 400,
    message: expect.stringMatching(/^Cannot read the video: /),
  });
  await expect(stat(target)).rejects.toMatchObject({ code: "ENOENT" });
});
