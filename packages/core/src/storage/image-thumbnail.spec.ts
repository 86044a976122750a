/** vipsthumbnail in the parser sandbox: scales down and never up, and a file that is no image answers 400. */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { testParserStorage } from "../../test/helpers/test-sandbox";
import type { ConfinedParser } from "../parsing/confined-parser";
import { writeImageThumbnail } from "./image-thumbnail";
import { parseThumbSpec } from "./thumbnail-spec";

let dir: string;
let parser: ConfinedParser;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ root: dir, parser, cleanup } = await testParserStorage("image-thumb"));
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
