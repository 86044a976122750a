/**
 * Reads the custom commands folder: one `<name>.md` file per command. Each scan stats every
 * entry and re-reads only files whose mtime or size changed, so a scan of an unchanged folder
 * reads no file and logs nothing. A bad file is logged once per change and skipped.
 */
import type { Stats } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../logging/logger";
import type { CommandDefinition } from "./builtin-commands";
import { isValidCommandName, parseCommandFile } from "./command-parser";

/** Larger files are not prompt templates; refusing them keeps a stray file from filling memory. */
export const MAX_COMMAND_FILE_BYTES = 256 * 1024;

/** What a folder entry held when last read: `command` is null for an entry that is not one. */
export interface ScannedEntry {
  stamp: string;
  command: CommandDefinition | null;
}

export type FolderScan = Map<string, ScannedEntry>;

/** The folder's entries, reusing `previous` for unchanged ones. Never throws: problems are logged. */
export async function scanCommandFolder(dir: string, previous: FolderScan, logger: Logger, builtins: ReadonlySet<string>): Promise<FolderScan> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // No folder means no custom commands (the default folder usually does not exist).
    if (code !== "ENOENT") logger.warn({ dir, err: error }, "cannot read the commands folder; using built-in commands only");
    return new Map();
  }
  const next: FolderScan = new Map();
  for (const fileName of names.sort()) {
    if (fileName.startsWith(".")) continue; // editor swap files, .DS_Store, .gitkeep
    const path = join(dir, fileName);
    let stats: Stats;
    try {
      stats = await stat(path);
    } catch (error) {
      logger.debug({ path, err: error }, "command file vanished while scanning");
      continue;
    }
    const stamp = `${stats.mtimeMs}:${stats.size}:${stats.isFile()}`;
    const known = previous.get(fileName);
    next.set(fileName, known?.stamp === stamp ? known : { stamp, command: await loadEntry(path, fileName, stats, logger, builtins) });
  }
  return next;
}

async function loadEntry(path: string, fileName: string, stats: Stats, logger: Logger, builtins: ReadonlySet<string>) {
  const name = fileName.endsWith(".md") ? fileName.slice(0, -3) : null;
  if (!stats.isFile() || name === null || !isValidCommandName(name)) {
    logger.warn({ path }, "ignored in the commands folder: a command file is <name>.md, name of a-z, 0-9, '-', '_'");
    return null;
  }
  if (builtins.has(name)) {
    logger.warn({ path, command: name }, "custom command has a built-in's name; the built-in is kept");
    return null;
  }
  if (stats.size > MAX_COMMAND_FILE_BYTES) {
    logger.warn({ path, bytes: stats.size, limit: MAX_COMMAND_FILE_BYTES }, "command file too large; ignored");
    return null;
  }
  try {
    const parsed = parseCommandFile(await readFile(path, "utf8"));
    if (parsed.template === "") {
      logger.warn({ path }, "command file has no prompt after its front matter; ignored");
      return null;
    }
    const description = parsed.description ?? firstLine(parsed.template);
    return { name, description, argumentHint: parsed.argumentHint, template: parsed.template };
  } catch (error) {
    logger.warn({ path, err: error }, "cannot read command file; ignored");
    return null;
  }
}

/** A file without a description is described by its prompt's first line. */
function firstLine(template: string): string {
  const line = template.split("\n", 1)[0]!.trim();
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
