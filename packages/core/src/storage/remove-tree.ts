/** Removes a session folder and everything in it, never following a link planted inside. */
import { readdir, rmdir, unlink } from "node:fs/promises";
import { Folder } from "./verified-folder";

// A sandbox still running could keep swapping an entry between a file and a folder.
const MAX_TRIES = 3;

/**
 * Removes `parent/name` and everything below it; a no-op when it does not exist. Every folder
 * is emptied through its open fd (see verified-folder), so a folder swapped for a link midway
 * only loses the link: fs.rm works by path, and a swap could send it into another folder.
 */
export async function removeTree(parent: string, name: string): Promise<void> {
  let folder: Folder;
  try {
    folder = await Folder.openRoot(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw error;
  }
  try {
    await removeEntry(folder, name, true, 0);
  } finally {
    await folder.close();
  }
}

async function removeEntry(folder: Folder, name: string, isDir: boolean, tries: number): Promise<void> {
  if (tries >= MAX_TRIES) throw new Error(`'${name}' kept changing while it was being removed`);
  const entry = folder.child(name);
  if (!isDir) {
    // A folder now: unlink fails with EISDIR on Linux, EPERM elsewhere.
    const code = await settle(unlink(entry), process.platform === "linux" ? ["EISDIR"] : ["EISDIR", "EPERM"]);
    if (code) return removeEntry(folder, name, true, tries + 1);
    return;
  }
  let inner: Folder;
  try {
    inner = await folder.open(name, { follow: false });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return;
    // A link or a file now: remove that instead of anything it points to.
    if (code === "ENOTDIR" || code === "ELOOP") return removeEntry(folder, name, false, tries + 1);
    throw error;
  }
  try {
    for (const child of await readdir(inner.path, { withFileTypes: true })) await removeEntry(inner, child.name, child.isDirectory(), 0);
  } finally {
    await inner.close();
  }
  // Refilled meanwhile, or swapped for a link or a file.
  const code = await settle(rmdir(entry), ["ENOTEMPTY", "EEXIST", "ENOTDIR"]);
  if (code) return removeEntry(folder, name, code !== "ENOTDIR", tries + 1);
}

/** Null when the call succeeded or the entry is gone already; the code of an `expected` failure. */
async function settle(operation: Promise<void>, expected: string[]): Promise<string | null> {
  try {
    await operation;
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code && expected.includes(code)) return code;
    throw error;
  }
}
