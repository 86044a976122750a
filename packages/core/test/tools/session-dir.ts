/** A real temporary session folder for tool tests, inside a parent that holds a secret outside it. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ToolContext } from "../../src/tools/tool";

export interface SessionDirFixture {
  /** Parent of the session folder, holding `outside.txt`. */
  base: string;
  context: ToolContext;
  cleanup(): Promise<void>;
}

export async function makeSessionDir(options: { allowPrivateNetworks?: boolean; signal?: AbortSignal } = {}): Promise<SessionDirFixture> {
  const base = await mkdtemp(path.join(os.tmpdir(), "mix-tools-"));
  await writeFile(path.join(base, "outside.txt"), "secret outside the session");
  return {
    base,
    // Deliberately not created: tools create the session folder on first use.
    context: {
      sessionDir: path.join(base, "session"),
      signal: options.signal ?? new AbortController().signal,
      limits: { allowPrivateNetworks: options.allowPrivateNetworks ?? false },
    },
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}
