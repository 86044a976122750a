/** Files below a folder matching a glob pattern, kept inside the session folder (Glob and Grep). */
import { glob, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { isInside, RESERVED_NAMES } from "../storage/safe-path";
import { shownPath } from "./paths";
import { ToolError } from "./tool";

export interface GlobbedFile {
  absolute: string;
  /** Relative to the session folder, `/`-separated. */
  shown: string;
  modifiedMs: number;
}

/** Checks a model's pattern: relative, no `..` (it could climb out of the folder). */
export function checkPattern(pattern: string): void {
  if (path.isAbsolute(pattern)) throw new ToolError(`Pattern '${pattern}' must be relative; pass the folder as path`);
  if (pattern.split(/[\\/]/).includes("..")) throw new ToolError(`Pattern '${pattern}' must not contain '..'`);
}

/**
 * Matching regular files below `base`, sorted by name, at most `max` (`truncated` when more
 * matched). Links are followed only when they stay inside the session folder `root`.
 */
export async function globFiles(root: string, base: string, pattern: string, max: number, signal: AbortSignal) {
  checkPattern(pattern);
  const files: GlobbedFile[] = [];
  let truncated = false;
  for await (const match of glob(pattern, { cwd: base })) {
    signal.throwIfAborted();
    const absolute = path.join(base, match);
    if (RESERVED_NAMES.has(shownPath(root, absolute).split("/")[0]!)) continue;
    const resolved = await realpathOrNull(absolute);
    if (!resolved || !isInside(root, resolved)) continue;
    const info = await stat(resolved);
    if (!info.isFile()) continue;
    if (files.length >= max) {
      truncated = true;
      break;
    }
    files.push({ absolute, shown: shownPath(root, absolute), modifiedMs: info.mtimeMs });
  }
  files.sort((a, b) => (a.shown < b.shown ? -1 : a.shown > b.shown ? 1 : 0));
  return { files, truncated };
}

/** null for a dangling or looping link, which matches nothing. */
async function realpathOrNull(file: string): Promise<string | null> {
  try {
    return await realpath(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ELOOP") return null;
    throw error;
  }
}
