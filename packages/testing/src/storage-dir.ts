/** A throwaway storage folder for a test stack's session files. */
import { chmod, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Passable but not listable by others (0711): a root worker runs sandboxed commands as an
 * unprivileged user, and bubblewrap resolves the session folder's path as that user.
 */
export async function createStorageDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `mix-${label}-`));
  await chmod(dir, 0o711);
  return dir;
}
