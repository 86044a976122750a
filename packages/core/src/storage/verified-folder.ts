/**
 * Folders below a root (a session folder) opened first and checked by what was opened, so a
 * folder the sandbox swaps for a link meanwhile cannot steer the server outside the root.
 *
 * Node has no openat(2), so it is emulated: on Linux a folder is held open and its children
 * are named `/proc/self/fd/<fd>/<name>`. The kernel resolves that prefix to the open folder
 * itself, whatever has been renamed since, so only `<name>` is looked up again, and where the
 * folder really is comes from `readlink` of its fd. Elsewhere the check falls back to realpath
 * of the path, which a concurrent rename can still defeat.
 */
import { constants } from "node:fs";
import { mkdir, open, readlink, realpath, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { badRequest } from "../errors/app-error";
import type { FileOwner } from "./file-owner";
import { checkRelativeName, isInside } from "./safe-path";

const LINUX = process.platform === "linux";
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_NONBLOCK } = constants;

export class Folder {
  private constructor(
    /** The root with links resolved; everything opened from here must lie inside it. */
    readonly realRoot: string,
    private readonly handle: FileHandle,
    /** The path naming this open folder itself (its fd path on Linux). */
    readonly path: string,
  ) {}

  /** Opens `dir`, a path of the server's own (not one the sandbox can change), as the root of a walk. */
  static async openRoot(dir: string): Promise<Folder> {
    const handle = await open(dir, O_RDONLY | O_DIRECTORY);
    return adopt(handle, dir, (real) => new Folder(real, handle, LINUX ? fdPath(handle) : real));
  }

  /** Opens the folder `segments` below `root` (see openRoot), creating missing ones (chowned to `owner`) when asked. */
  static async openBelow(root: string, segments: readonly string[], options: { create?: boolean; owner?: FileOwner | null } = {}): Promise<Folder> {
    let current = await Folder.openRoot(root);
    try {
      for (const segment of segments) {
        const next = await current.openOrCreate(segment, options);
        await current.close();
        current = next;
      }
      return current;
    } catch (error) {
      await current.close();
      throw error;
    }
  }

  /** The path of `name` in this folder; resolving it looks up that one name only. */
  child(name: string): string {
    return path.join(this.path, name);
  }

  /**
   * Opens the subfolder `name`. With `follow`, a link is followed: opening a folder has no side
   * effects, and where it leads is checked from the fd. Without, a link fails (ENOTDIR).
   */
  async open(name: string, options: { follow: boolean }): Promise<Folder> {
    const handle = await open(this.child(name), O_RDONLY | O_DIRECTORY | (options.follow ? 0 : O_NOFOLLOW));
    return adopt(handle, this.child(name), (real) => this.checked(real, () => new Folder(this.realRoot, handle, LINUX ? fdPath(handle) : real)));
  }

  /**
   * Opens `name` for reading, never through a link (ELOOP) and without blocking on a FIFO the
   * sandbox planted; checked to be inside the root. The caller checks the kind of file (fstat).
   */
  async openFile(name: string): Promise<OpenFile> {
    const handle = await open(this.child(name), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    return adopt(handle, this.child(name), (real) => this.checked(real, () => ({ handle, path: LINUX ? `/proc/${process.pid}/fd/${handle.fd}` : real })));
  }

  close(): Promise<void> {
    return this.handle.close();
  }

  private async openOrCreate(name: string, options: { create?: boolean; owner?: FileOwner | null }): Promise<Folder> {
    try {
      return await this.open(name, { follow: true });
    } catch (error) {
      if (!options.create || (error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const created = await mkdir(this.child(name)).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === "EEXIST") return false;
        throw error;
      },
    );
    const folder = await this.open(name, { follow: true });
    // fchown of what was opened: a chown by path could be redirected by a swap.
    if (created && options.owner) await folder.handle.chown(options.owner.uid, options.owner.gid);
    return folder;
  }

  private checked<T>(real: string, make: () => T): T {
    if (!isInside(this.realRoot, real)) throw badRequest("File name resolves outside the session folder");
    return make();
  }
}

export interface OpenFile {
  handle: FileHandle;
  /** A path another process (ffmpeg) can open to read this very file while the handle is open. */
  path: string;
}

/**
 * The checked parts of `target` below `root`. `target` is relative to `root`, or absolute inside
 * it by either spelling (as given, or with links resolved, as resolveAgentPath returns it).
 */
export async function segmentsBelow(root: string, target: string): Promise<string[]> {
  let relative = target;
  if (path.isAbsolute(target)) {
    const absolute = path.resolve(target);
    const base = [path.resolve(root), await realpath(root)].find((dir) => isInside(dir, absolute));
    if (!base) throw badRequest(`'${target}' is outside the session folder`);
    relative = path.relative(base, absolute).split(path.sep).join("/");
  }
  return checkRelativeName(relative, { nested: true });
}

/** An error shaped like Node's own fs errors, for callers that branch on `code`. */
export function fsError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${message}`), { code });
}

function fdPath(handle: FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

/** Hands `make` where the opened file really is, closing the handle when that fails or is refused. */
async function adopt<T>(handle: FileHandle, openedAs: string, make: (real: string) => T): Promise<T> {
  try {
    return make(LINUX ? await readlink(fdPath(handle)) : await realpath(openedAs));
  } catch (error) {
    await handle.close();
    throw error;
  }
}
