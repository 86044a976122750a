/** Leftover scratch folders: only those untouched for longer than a parse can take are removed. */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { removeStaleParseFolders } from "./stale-folders";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "mix-stale-parse-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

it("removes folders older than the limit with what they hold, and keeps the recent ones", async () => {
  const now = Date.now();
  for (const [name, ageMs] of [
    ["old", 2 * 3_600_000],
    ["recent", 60_000],
  ] as const) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, "document.pdf"), "%PDF-");
    const when = new Date(now - ageMs);
    await utimes(path.join(root, name), when, when);
  }
  expect(await removeStaleParseFolders(root, 3_600_000, now)).toBe(1);
  expect(await readdir(root)).toEqual(["recent"]);
});

it("finds nothing to do where no parse ever ran", async () => {
  expect(await removeStaleParseFolders(path.join(root, "never-made"), 1_000)).toBe(0);
});
