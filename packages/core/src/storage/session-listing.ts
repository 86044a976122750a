/** Listing a session folder through opened folders, so a folder swapped for a link is not walked into. */
import type { Dirent, Stats } from "node:fs";
import { lstat, readdir } from "node:fs/promises";
import { AppError } from "../errors/app-error";
import type { BlobEntry } from "./blob-store";
import { checkRelativeName, RESERVED_NAMES } from "./safe-path";
import type { Folder } from "./verified-folder";

/** The files and folders at the top of `folder`, sorted by name. */
export async function listTop(folder: Folder): Promise<BlobEntry[]> {
  const names = (await readdir(folder.path)).filter((name) => !RESERVED_NAMES.has(name) && isPlainName(name));
  const entries = await Promise.all(names.map(async (name) => listed(await lstatOrNull(folder.child(name)), name)));
  return entries.filter((entry): entry is BlobEntry => entry !== null).sort((a, b) => a.name.localeCompare(b.name));
}

/** Every file below `folder`, sorted by `/`-separated name; dot names and links are skipped. */
export async function listFilesBelow(folder: Folder): Promise<BlobEntry[]> {
  const files: BlobEntry[] = [];
  const walk = async (current: Folder, prefix: string): Promise<void> => {
    const children: Dirent[] = await readdir(current.path, { withFileTypes: true });
    for (const child of children) {
      if (child.name.startsWith(".")) continue;
      const name = prefix + child.name;
      if (child.isFile()) {
        const entry = listed(await lstatOrNull(current.child(child.name)), name);
        if (entry && !entry.isDir) files.push(entry);
      } else if (child.isDirectory()) {
        const inner = await openOrNull(() => current.open(child.name, { follow: false }));
        if (!inner) continue;
        try {
          await walk(inner, `${name}/`);
        } finally {
          await inner.close();
        }
      }
    }
  };
  await walk(folder, "");
  return files.sort((a, b) => a.name.localeCompare(b.name));
}

export function entryOf(info: Stats, name: string): BlobEntry {
  return { name, size: info.isDirectory() ? 0 : info.size, modifiedMs: info.mtimeMs, isDir: info.isDirectory() };
}

/** Null when the folder is missing, or (during a walk) was swapped for a link or a file. */
export async function openOrNull(openFolder: () => Promise<Folder>): Promise<Folder | null> {
  try {
    return await openFolder();
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** Files and folders are listed; links, FIFOs and the like are not, since they are never served. */
function listed(info: Stats | null, name: string): BlobEntry | null {
  return info && (info.isFile() || info.isDirectory()) ? entryOf(info, name) : null;
}

/** False for a name no request could name (control characters, say), so it is not listed. */
function isPlainName(name: string): boolean {
  try {
    checkRelativeName(name, { nested: false });
    return true;
  } catch (error) {
    if (error instanceof AppError && error.status === 400) return false;
    throw error;
  }
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await lstat(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
