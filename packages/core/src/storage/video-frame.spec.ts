/** ffmpeg in the parser sandbox: a file that is no video answers 400 and writes nothing. */
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { testParserStorage } from "../../test/helpers/test-sandbox";
import type { ConfinedParser } from "../parsing/confined-parser";
import { parseThumbSpec } from "./thumbnail-spec";
import { writeVideoFrame } from "./video-frame";

let dir: string;
let parser: ConfinedParser;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root: dir, parser, cleanup } = await testParserStorage("video-frame"));
});
afterAll(() => cleanup());

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
