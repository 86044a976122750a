/** ReadMedia on a real folder: each kind as the chosen model takes it, images fitted to its limits, and every refusal. */
import { mkdir, symlink, truncate, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { readMediaTool } from "./read-media";
import type { ToolContext } from "./tool";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { jpegOf, MINIMAL_PDF, MP4_HEAD, pdfWithText, pngClaiming, pngOf, wavOf } from "../../test/helpers/media-fixtures";

let fixture: SessionDirFixture;
let context: ToolContext;
const put = async (name: string, bytes: Buffer | string) => {
  await mkdir(path.dirname(path.join(context.sessionDir, name)), { recursive: true });
  await writeFile(path.join(context.sessionDir, name), bytes);
};
const on = (provider: string, modelId = "some-model") => ({ ...context, model: { provider, modelId } });
const read = (file_path: string, provider = "anthropic", modelId?: string) => readMediaTool.run({ file_path }, on(provider, modelId));

beforeEach(async () => {
  fixture = await makeSessionDir();
  context = fixture.context;
  await mkdir(context.sessionDir);
});
afterEach(() => fixture.cleanup());

describe("ReadMedia images", () => {
  it("sends an image that fits as it is, byte for byte, with a short description", async () => {
    const png = await pngOf(1200, 800);
    await put("charts/chart.png", png);
    const result = await read("charts/chart.png");
    expect(result).toMatchObject({ isError: false, output: "Read image charts/chart.png (1200×800, image/png)" });
    expect(result.media).toEqual([{ mediaType: "image/png", data: png.toString("base64"), path: "charts/chart.png" }]);
  });

  it("scales a large image down to the provider's longest side: 1568 px for Anthropic, 2048 for OpenAI", async () => {
    await put("big.png", await pngOf(4000, 3000));
    const anthropic = await read("big.png");
    expect(anthropic.output).toBe("Read image big.png (1568×1176, image/png; scaled down from 4000×3000)");
    expect(await sharp(Buffer.from(anthropic.media![0]!.data, "base64")).metadata()).toMatchObject({ width: 1568, height: 1176, format: "png" });
    const openai = await read("/workspace/big.png", "openai", "gpt-4o");
    expect(openai.output).toContain("(2048×1536, image/png; scaled down");
  });

  it("re-encodes an image over the byte cap as JPEG until it fits", async () => {
    // Noise does not compress: about 5.4 MB as PNG, over Anthropic's 3.75 MB before base64.
    await put("noise.png", await pngOf(1300, 1300, { noise: true }));
    const result = await read("noise.png");
    expect(result.isError).toBe(false);
    const bytes = Buffer.from(result.media![0]!.data, "base64");
    expect(result.media![0]!.mediaType).toBe("image/jpeg");
    expect(bytes.length).toBeLessThanOrEqual(3.75 * 1024 * 1024);
    expect((await sharp(bytes).metadata()).format).toBe("jpeg");
  });

  it("keeps JPEG as JPEG, judging by the bytes rather than the name", async () => {
    await put("photo.dat", await jpegOf(300, 200));
    expect(await read("photo.dat")).toMatchObject({ isError: false, output: "Read image photo.dat (300×200, image/jpeg)" });
  });

  it("refuses a header claiming a huge canvas instead of decoding it", async () => {
    await put("bomb.png", await pngClaiming(30_000, 30_000));
    const result = await read("bomb.png");
    expect(result.isError).toBe(true);
    expect(result.output).toMatch(/bomb\.png is not a readable image/);
  });

  it("refuses a text file named as an image, pointing to ReadText", async () => {
    await put("fake.png", "just some words, not pixels\n");
    expect(await read("fake.png")).toEqual({
      isError: true,
      output: expect.stringMatching(/fake\.png is not an image .* It looks like text: read it with ReadText\./),
    });
  });
});

describe("ReadMedia PDFs and audio", () => {
  it("sends a PDF as a document where the provider takes them, and says what to do where it does not", async () => {
    await put("report.pdf", MINIMAL_PDF);
    for (const provider of ["anthropic", "gemini", "openai", "openrouter"]) {
      const result = await read("report.pdf", provider);
      expect(result).toMatchObject({ isError: false, output: `Read PDF report.pdf (${MINIMAL_PDF.length} bytes, application/pdf)` });
      expect(result.media).toEqual([{ mediaType: "application/pdf", data: MINIMAL_PDF.toString("base64"), path: "report.pdf" }]);
    }
  });

  it("gives a model that takes no documents the PDF's text, read by pdftotext in the sandbox", async () => {
    await put("report.pdf", pdfWithText("Quarterly revenue grew 12 percent"));
    const local = await read("report.pdf", "openai-compatible", "llava");
    expect(local.isError).toBe(false);
    expect(local.media).toBeUndefined();
    expect(local.output).toMatch(/^Text of PDF report\.pdf \(this model takes no PDF documents/);
    expect(local.output).toContain("Quarterly revenue grew 12 percent");
    // A name that looks like an option stays a file name.
    await put("-opw secret.pdf", pdfWithText("Still just a file"));
    expect((await read("-opw secret.pdf", "openai-compatible", "llava")).output).toContain("Still just a file");
    // No text layer (a scan): the refusal, and why the text could not stand in.
    await put("scan.pdf", MINIMAL_PDF);
    expect(await read("scan.pdf", "openai-compatible", "llava")).toEqual({
      isError: true,
      output: expect.stringMatching(/does not take PDF documents.*Its text could not be read either: it holds no text layer/),
    });
  });

  it("sends audio to Gemini and OpenAI's audio models only", async () => {
    await put("clip.wav", wavOf(800));
    expect(await read("clip.wav", "gemini", "gemini-2.5-flash")).toMatchObject({ isError: false, output: "Read audio clip.wav (1.6 KB, audio/wav)" });
    expect((await read("clip.wav", "openai", "gpt-4o-audio-preview")).media?.[0]?.mediaType).toBe("audio/wav");
    expect(await read("clip.wav", "openai", "gpt-4o")).toEqual({
      isError: true,
      output: "clip.wav is audio/wav audio, which openai gpt-4o does not take as input.",
    });
    expect((await read("clip.wav", "anthropic", "claude-haiku-4-5")).isError).toBe(true);
  });

  it("refuses a PDF over the provider's size limit without reading it", async () => {
    await put("huge.pdf", MINIMAL_PDF);
    await truncate(path.join(context.sessionDir, "huge.pdf"), 25 * 1024 * 1024);
    expect(await read("huge.pdf")).toEqual({
      isError: true,
      output: `huge.pdf is ${25 * 1024 * 1024} bytes, over the ${24 * 1024 * 1024}-byte limit for application/pdf on anthropic some-model`,
    });
  });

  it("refuses videos, archives, empty files and folders, naming what it reads", async () => {
    await put("movie.mp4", MP4_HEAD);
    await put("bundle.zip", Buffer.from("PK\x03\x04\x14\0\0\0\x08\0", "latin1"));
    await put("empty.png", "");
    await mkdir(path.join(context.sessionDir, "dir.png"));
    expect((await read("movie.mp4")).output).toBe("movie.mp4 is a video (video/mp4); ReadMedia does not read videos. Show can present it to the user.");
    expect((await read("bundle.zip")).output).toMatch(/^bundle\.zip is not an image \(png, jpeg, gif, webp\), a PDF or an audio file/);
    expect(await read("empty.png")).toEqual({ isError: true, output: "empty.png is empty" });
    expect(await read("dir.png")).toEqual({ isError: true, output: "dir.png is a directory, not a file" });
    expect(await read("missing.png")).toEqual({ isError: true, output: "File not found: missing.png" });
  });
});

describe("ReadMedia paths", () => {
  it("refuses paths that leave the session folder, by name, by link or with a NUL byte", async () => {
    await put("ok.png", await pngOf(10, 10));
    await symlink(path.join(fixture.base, "outside.txt"), path.join(context.sessionDir, "out.png"));
    await symlink(fixture.base, path.join(context.sessionDir, "up"));
    for (const given of ["../outside.txt", "up/outside.txt", "out.png", "ok.png\0.txt", path.join(fixture.base, "outside.txt")]) {
      const result = await read(given);
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(/^Refused path/);
      expect(result.media).toBeUndefined();
    }
  });

  it("follows a link that stays inside the folder", async () => {
    await put("real/pic.png", await pngOf(20, 10));
    await symlink("real/pic.png", path.join(context.sessionDir, "alias.png"));
    expect(await read("alias.png")).toMatchObject({ isError: false, output: "Read image alias.png (20×10, image/png)" });
  });

  it("refuses when the call's model is unknown, and validates its input", async () => {
    await put("ok.png", await pngOf(10, 10));
    expect(await readMediaTool.run({ file_path: "ok.png" }, context)).toEqual({
      isError: true,
      output: expect.stringMatching(/model this result goes to is unknown/),
    });
    expect((await readMediaTool.run({ file_path: "" }, on("anthropic"))).isError).toBe(true);
    expect((await readMediaTool.run({ file_path: "ok.png", extra: 1 }, on("anthropic"))).isError).toBe(true);
  });
});
