/**
 * Opens a file of the session folder for reading, after the path rules (storage/safe-path):
 * the file itself is opened by its resolved name with O_NOFOLLOW, so a link swapped in after the
 * check is not followed, and O_NONBLOCK, so a FIFO cannot hang the call.
 */
import { constants, type FileHandle, open, realpath } from "node:fs/promises";
import { badRequest } from "../errors/app-error";
import { isInside } from "../storage/safe-path";

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = constants;

export interface OpenedMedia {
  handle: FileHandle;
  size: number;
}

/** `absolute` has passed resolveAgentPath for `root` (the session folder, links resolved). */
export async function openMediaFile(root: string, absolute: string, shown: string): Promise<OpenedMedia> {
  const resolved = await realpath(absolute);
  if (!isInside(root, resolved)) throw badRequest(`Refused path '${shown}': it resolves outside the session folder`);
  const handle = await open(resolved, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw badRequest(`${shown} is a directory, not a file`);
    if (!info.isFile()) throw badRequest(`${shown} is not a regular file`);
    return { handle, size: info.size };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** The first `count` bytes (fewer for a shorter file). */
export async function readHead(handle: FileHandle, count: number): Promise<Buffer> {
  const buffer = Buffer.alloc(count);
  const { bytesRead } = await handle.read(buffer, 0, count, 0);
  return buffer.subarray(0, bytesRead);
}
