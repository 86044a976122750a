/**
 * Tool-result media through the loop and back: ReadMedia's bytes reach the next model call
 * while the transcript keeps only the file's path, and a later run reads the file again for its
 * own model, or says why it cannot.
 */
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { ModelMessage, ToolResultMessage } from "../models/model-provider";
import { readMediaTool } from "../tools/read-media";
import { agentLoopOf } from "../../test/helpers/agent-loop-fixture";
import { pngOf } from "../../test/helpers/media-fixtures";
import { makeSessionDir, type SessionDirFixture } from "../../test/helpers/session-dir";
import { replayMedia } from "./media-replay";

let dir: SessionDirFixture;
const sessionFile = (name: string) => path.join(dir.context.sessionDir, name);
beforeEach(async () => {
  dir = await makeSessionDir();
  await mkdir(dir.context.sessionDir);
});
afterEach(() => dir.cleanup());

it("stores ReadMedia's result as text and the file's path, never the bytes; the scripted model names what it got", async () => {
  await writeFile(sessionFile("chart.png"), await pngOf(2000, 1000));
  const loop = agentLoopOf(dir, { tools: () => [readMediaTool] });
  const outcome = await loop.run('@tool ReadMedia {"file_path":"chart.png"}');

  expect(outcome.text).toMatch(/^ReadMedia succeeded: Read image chart\.png \(1568×784, image\/png; scaled down from 2000×1000\) \(1 file: image\/png\)\./);
  const stored = loop.store.steps[0]!.parts.find((part) => part.type === "tool_result");
  expect(stored).toEqual({
    type: "tool_result",
    toolCallId: expect.any(String),
    result: "Read image chart.png (1568×784, image/png; scaled down from 2000×1000)",
    isError: false,
    media: [{ path: "chart.png", mediaType: "image/png" }],
  });
});

const replayed = (refs: ToolResultMessage["mediaRefs"]): ModelMessage[] => [
  { role: "user", content: "look" },
  { role: "assistant", content: "", toolCalls: [{ id: "c1", name: "ReadMedia", input: "{}" }] },
  { role: "tool", results: [{ toolCallId: "c1", toolName: "ReadMedia", result: "Read image big.png (…)", isError: false, mediaRefs: refs }] },
];
const resultOf = (history: ModelMessage[]) => (history[2] as { results: ToolResultMessage[] }).results[0]!;

it("reads the file again for the model a later run calls, fitted to that model's limits", async () => {
  await writeFile(sessionFile("big.png"), await pngOf(4000, 2000));
  for (const [provider, width] of [
    ["anthropic", 1568],
    ["gemini", 3072],
  ] as const) {
    const history = replayed([{ path: "big.png", mediaType: "image/png" }]);
    await replayMedia(history, dir.context.sessionDir, { provider, modelId: "m" });
    const result = resultOf(history);
    expect(result.mediaRefs).toBeUndefined();
    expect(result.result).toBe("Read image big.png (…)");
    expect(result.media).toHaveLength(1);
    expect((await sharp(Buffer.from(result.media![0]!.data, "base64")).metadata()).width).toBe(width);
  }
});

it("replays a sentence instead when the file is gone, now leads outside, or is no longer media", async () => {
  await writeFile(sessionFile("text.png"), "now just text");
  await symlink(path.join(dir.base, "outside.txt"), sessionFile("escape.png"));
  const history = replayed([
    { path: "gone.png", mediaType: "image/png" },
    { path: "escape.png", mediaType: "image/png" },
    { path: "text.png", mediaType: "image/png" },
  ]);
  await replayMedia(history, dir.context.sessionDir, { provider: "anthropic", modelId: "m" });
  const result = resultOf(history);
  expect(result.media).toBeUndefined();
  expect(result.result.split("\n").slice(2)).toEqual([
    "[gone.png is no longer in the session folder, so it cannot be shown again.]",
    expect.stringMatching(/^\[escape\.png cannot be shown again: .*outside the session folder/),
    expect.stringMatching(/^\[text\.png cannot be shown again: text\.png is not an image/),
  ]);
});

it("says so for every file when the session folder itself is gone", async () => {
  await rm(dir.context.sessionDir, { recursive: true });
  const history = replayed([{ path: "a.png", mediaType: "image/png" }]);
  await replayMedia(history, dir.context.sessionDir, { provider: "openai", modelId: "gpt-4o" });
  expect(resultOf(history).result).toContain("[a.png is no longer in the session folder");
});
