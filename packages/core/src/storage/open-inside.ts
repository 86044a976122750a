/** Opens a file inside a session folder for reading, so what is read is what was checked. */
import { badRequest } from "../errors/app-error";
import { Folder, fsError, segmentsBelow, type OpenFile } from "./verified-folder";

/**
 * Opens the regular file `target` (relative to `root`, or absolute inside it) and checks the
 * opened file is inside `root`; the caller reads through `handle` and closes it. Refused with a
 * 400 AppError when it is outside or not a regular file (a FIFO, a socket); a link fails with
 * ELOOP, a folder with EISDIR, a missing file with ENOENT or ENOTDIR.
 */
export async function openFileInside(root: string, target: string): Promise<OpenFile> {
  const segments = await segmentsBelow(root, target);
  const name = segments.pop()!;
  const folder = await Folder.openBelow(root, segments);
  try {
    const file = await folder.openFile(name);
    try {
      const info = await file.handle.stat();
      if (info.isDirectory()) throw fsError("EISDIR", `'${target}' is a folder`);
      if (!info.isFile()) throw badRequest(`'${target}' is not a regular file`);
      return file;
    } catch (error) {
      await file.handle.close();
      throw error;
    }
  } finally {
    await folder.close();
  }
}
