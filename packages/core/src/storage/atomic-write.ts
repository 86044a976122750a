/** Writes files into a session folder that the sandbox may be changing at the same time. */
import { randomUUID } from "node:crypto";
import { constants } from "node:fs";
import { lstat, open, rename, rm } from "node:fs/promises";
import type { Readable } from "node:stream";
import { payloadTooLarge } from "../errors/app-error";
import type { FileOwner } from "./file-owner";
import { Folder, fsError, segmentsBelow } from "./verified-folder";

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;

export interface AtomicWriteOptions {
  /** Owner of every file and folder created (a root server writing for the sandbox user). */
  owner?: FileOwner | null;
  /** Mode of the file; 0644 unless given. */
  mode?: number;
  /** More bytes than this fail with 413 (an AppError) and nothing is kept. */
  maxBytes?: number;
}

/**
 * Writes `data` to `target` (relative to the existing folder `root`, or absolute inside it)
 * through a temporary file renamed over it, creating missing parent folders. So an existing
 * target that is a link (symbolic or hard) is replaced, never written through, and a reader
 * never sees half a file. The parent folder is opened, checked by its fd and then used by fd
 * (the openat emulation of verified-folder), so swapping a folder for a link meanwhile cannot
 * redirect the write. Throws a 400 AppError when the parent folder, as opened, lies outside
 * `root` (or `target` does); EISDIR when the target is a folder; ENOTDIR when a parent is a
 * file; ENOENT when a parent is a link to nothing.
 */
export async function writeFileAtomic(root: string, target: string, data: string | Buffer | Readable, options: AtomicWriteOptions = {}): Promise<void> {
  await placeInto(root, target, options.owner, async (folder, name) => {
    // Beside the target, since a rename cannot cross filesystems.
    const temp = folder.child(`.${randomUUID()}.tmp`);
    await writeExclusive(temp, data, options);
    try {
      await rename(temp, folder.child(name));
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  });
}

/**
 * Renames `source`, a complete file in a folder of the server's own on the same filesystem,
 * to `target` inside `root`, with the same checks and errors as writeFileAtomic.
 */
export async function moveFileInto(root: string, target: string, source: string, options: { owner?: FileOwner | null } = {}): Promise<void> {
  await placeInto(root, target, options.owner, (folder, name) => rename(source, folder.child(name)));
}

/**
 * Creates `file` exclusively (never through a link), writes `data`, and sets its mode and owner
 * on the open file. On any failure, the byte cap included, the file is removed again.
 */
export async function writeExclusive(file: string, data: string | Buffer | Readable, options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o644;
  const handle = await open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, mode);
  try {
    try {
      // writeFile goes on from the handle's position and retries short writes.
      if (typeof data === "string" || Buffer.isBuffer(data)) {
        capped(Buffer.byteLength(data), options.maxBytes);
        await handle.writeFile(data);
      } else {
        let written = 0;
        for await (const chunk of data) {
          const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
          written = capped(written + bytes.length, options.maxBytes);
          await handle.writeFile(bytes);
        }
      }
      // On the fd, so a umask does not change the mode and a swap cannot redirect the chown.
      await handle.chmod(mode);
      if (options.owner) await handle.chown(options.owner.uid, options.owner.gid);
    } finally {
      await handle.close();
    }
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}

/** Opens the target's parent (creating it), refuses a folder at the target, and runs `place` in it. */
async function placeInto(root: string, target: string, owner: FileOwner | null | undefined, place: (folder: Folder, name: string) => Promise<void>) {
  const segments = await segmentsBelow(root, target);
  const name = segments.pop()!;
  const folder = await Folder.openBelow(root, segments, { create: true, owner });
  try {
    if (await isFolder(folder.child(name))) throw fsError("EISDIR", `'${target}' is a folder`);
    await place(folder, name);
  } finally {
    await folder.close();
  }
}

async function isFolder(file: string): Promise<boolean> {
  try {
    return (await lstat(file)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

function capped(bytes: number, maxBytes: number | undefined): number {
  if (maxBytes !== undefined && bytes > maxBytes) throw payloadTooLarge(`File exceeds the limit of ${maxBytes} bytes`);
  return bytes;
}
