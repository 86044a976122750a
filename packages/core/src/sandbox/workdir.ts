/** Makes a session folder ready to be a sandbox's working folder. */
import { chmod, lchown, mkdir } from "node:fs/promises";
import type { FileOwner } from "../storage/file-owner";

/**
 * Creates the folder when missing. With an owner (a root worker running commands as the
 * sandbox user), the folder is handed to that user and closed to everyone else; lchown, since
 * the folder is the server's own and never a link the agent made.
 */
export async function prepareWorkdir(dir: string, owner: FileOwner | null): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!owner) return;
  await lchown(dir, owner.uid, owner.gid);
  await chmod(dir, 0o700);
}
