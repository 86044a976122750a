/** A real temporary session folder beside an `outside` folder the server must never touch through it. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

export interface StorageFixture {
  base: string;
  /** The session folder (created). */
  session: string;
  /** A folder outside the session, holding `secret.txt`. */
  outside: string;
  secret: string;
  cleanup(): Promise<void>;
}

export async function makeStorage(): Promise<StorageFixture> {
  const base = await mkdtemp(path.join(os.tmpdir(), "mix-storage-"));
  const session = path.join(base, "session");
  const outside = path.join(base, "outside");
  await mkdir(session);
  await mkdir(outside);
  const secret = path.join(outside, "secret.txt");
  await writeFile(secret, "TOP SECRET");
  return { base, session, outside, secret, cleanup: () => rm(base, { recursive: true, force: true }) };
}

/** The entries of a folder, sorted, so a test can see that no temporary file was left behind. */
export async function entries(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

// The CI runs as root, where chown to another user works; elsewhere those assertions are skipped.
export const IS_ROOT = process.getuid?.() === 0;
export const OTHER_OWNER = { uid: 10001, gid: 10001 };
