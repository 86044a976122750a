/**
 * Scratch folders a server left behind when it stopped in the middle of a parse. A folder
 * untouched for longer than any parse can take (its wait for a worker and the parser's own time)
 * belongs to no one, whichever process made it, so any worker may remove it.
 */
import { readdir, rm, stat } from "node:fs/promises";
import path from "node:path";

/** Removes the folders under `scratchRoot` last changed more than `olderThanMs` ago; returns how many. */
export async function removeStaleParseFolders(scratchRoot: string, olderThanMs: number, now = Date.now()): Promise<number> {
  const names = await readdir(scratchRoot).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [];
    throw error;
  });
  let removed = 0;
  for (const name of names) {
    const folder = path.join(scratchRoot, name);
    const info = await stat(folder).catch((error: NodeJS.ErrnoException) => {
      // Removed meanwhile by the server that made it.
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (!info || now - info.mtimeMs <= olderThanMs) continue;
    await rm(folder, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
