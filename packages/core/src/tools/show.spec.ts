/** Show on a real folder: what its result names for each kind of file, and every refusal. */
import { mkdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { showTool, type ShownFile } from "./show";
import type { ToolContext } from "./tool";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { MINIMAL_PDF, MP4_HEAD, pngOf, wavOf } from "../../test/helpers/media-fixtures";

const SESSION = "sess_abc";
let fixture: SessionDirFixture;
let context: ToolContext;
const put = async (name: string, bytes: Buffer | string) => {
  await mkdir(path.dirname(path.join(context.sessionDir, name)), { recursive: true });
  await writeFile(path.join(context.sessionDir, name), bytes);
};
const show = (files: unknown[]) => showTool.run({ files }, context);
const shown = async (files: unknown[]): Promise<ShownFile[]> => {
  const result = await show(files);
  if (result.isError) throw new Error(result.output);
  return (JSON.parse(result.output) as { shown: ShownFile[] }).shown;
};

beforeEach(async () => {
  fixture = await makeSessionDir();
  context = { ...fixture.context, sessionId: SESSION };
  await mkdir(context.sessionDir);
});
afterEach(() => fixture.cleanup());

describe("Show", () => {
  it("names each file with its type, size and files-API URL; images and videos get a thumbnail URL", async () => {
    const png = await pngOf(40, 30);
    await put("out/my chart.png", png);
    await put("render.mp4", MP4_HEAD);
    await put("voice.wav", wavOf(100));
    await put("report.pdf", MINIMAL_PDF);
    await put("notes.md", "# Notes\n");
    const files = await shown([
      { path: "out/my chart.png", caption: "Revenue by month" },
      { path: "/workspace/render.mp4", startTime: 1.5, endTime: 4 },
      { path: "voice.wav", startTime: 0 },
      { path: "report.pdf" },
      { path: "notes.md" },
    ]);
    const base = `/api/sessions/${SESSION}/files`;
    expect(files).toEqual([
      {
        path: "out/my chart.png",
        kind: "image",
        mediaType: "image/png",
        size: png.length,
        url: `${base}/out/my%20chart.png`,
        thumbnailUrl: `${base}/out/my%20chart.png?thumb=w400`,
        caption: "Revenue by month",
      },
      {
        path: "render.mp4",
        kind: "video",
        mediaType: "video/mp4",
        size: MP4_HEAD.length,
        url: `${base}/render.mp4`,
        thumbnailUrl: `${base}/render.mp4?thumb=w400`,
        startTime: 1.5,
        endTime: 4,
      },
      { path: "voice.wav", kind: "audio", mediaType: "audio/wav", size: 244, url: `${base}/voice.wav`, startTime: 0 },
      { path: "report.pdf", kind: "document", mediaType: "application/pdf", size: MINIMAL_PDF.length, url: `${base}/report.pdf` },
      { path: "notes.md", kind: "document", mediaType: "text/markdown", size: 8, url: `${base}/notes.md` },
    ]);
  });

  it("takes a TypeScript file as a document, not as an MPEG stream", async () => {
    await put("src/app.ts", "export const x = 1;\n");
    expect(await shown([{ path: "src/app.ts" }])).toEqual([expect.objectContaining({ kind: "document", mediaType: "text/plain" })]);
  });

  it("refuses a missing file, a folder and the session folder itself", async () => {
    await mkdir(path.join(context.sessionDir, "plots"));
    expect(await show([{ path: "gone.png" }])).toEqual({ isError: true, output: "File not found: gone.png" });
    expect(await show([{ path: "plots" }])).toEqual({ isError: true, output: "plots is a directory, not a file" });
    expect(await show([{ path: "." }])).toEqual({ isError: true, output: ". is the session folder itself, not a file" });
  });

  it("refuses paths that leave the session folder, by name, by link or with a NUL byte", async () => {
    await symlink(path.join(fixture.base, "outside.txt"), path.join(context.sessionDir, "link.txt"));
    for (const given of ["../outside.txt", "link.txt", "a\0b.png", path.join(fixture.base, "outside.txt"), "/workspace/../outside.txt"]) {
      const result = await show([{ path: given }]);
      expect(result.isError).toBe(true);
      expect(result.output).toMatch(/^Refused path/);
    }
  });

  it("refuses a file whose content is not what its name says, and types it cannot present", async () => {
    await put("fake.png", "words, not pixels");
    await put("tool.zip", Buffer.from("PK\x03\x04", "latin1"));
    await put("blob", Buffer.from([0, 1, 2, 3]));
    expect(await show([{ path: "fake.png" }])).toEqual({ isError: true, output: "fake.png is named as image/png, but its content is not" });
    expect(await show([{ path: "tool.zip" }])).toEqual({
      isError: true,
      output: "Show presents images, videos, audio and documents; tool.zip is application/zip",
    });
    expect((await show([{ path: "blob" }])).output).toMatch(/unknown type/);
  });

  it("takes a segment only for video and audio, ending after it starts", async () => {
    await put("pic.png", await pngOf(4, 4));
    await put("clip.wav", wavOf(10));
    expect(await show([{ path: "pic.png", startTime: 2 }])).toEqual({
      isError: true,
      output: "pic.png is an image: startTime and endTime are for video and audio files",
    });
    expect(await show([{ path: "clip.wav", startTime: 5, endTime: 5 }])).toEqual({
      isError: true,
      output: "clip.wav: endTime (5) must come after startTime (5)",
    });
    expect((await show([{ path: "clip.wav", startTime: -1 }])).isError).toBe(true);
  });

  it("validates its input: at least one file, at most 20, no unknown fields, and needs a session", async () => {
    await put("pic.png", await pngOf(4, 4));
    expect((await show([])).isError).toBe(true);
    expect((await show(Array.from({ length: 21 }, () => ({ path: "pic.png" })))).isError).toBe(true);
    expect((await show([{ path: "pic.png", width: 3 }])).isError).toBe(true);
    const { sessionId: _none, ...withoutSession } = context;
    expect((await showTool.run({ files: [{ path: "pic.png" }] }, withoutSession)).output).toMatch(/no session/);
  });
});
