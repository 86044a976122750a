/** A real temporary session folder for tool tests, inside a parent that holds a secret outside it. */
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { SandboxNetwork } from "../../src/sandbox/sandbox";
import type { ToolContext } from "../../src/tools/tool";
import { testSandbox } from "./test-sandbox";

export interface SessionDirFixture {
  /** Parent of the session folder (the storage root), holding `outside.txt`. */
  base: string;
  context: ToolContext;
  cleanup(): Promise<void>;
}

export async function makeSessionDir(
  options: { allowPrivateNetworks?: boolean; signal?: AbortSignal; network?: SandboxNetwork; sandboxEnv?: Record<string, string> } = {},
): Promise<SessionDirFixture> {
  const base = await mkdtemp(path.join(os.tmpdir(), "mix-tools-"));
  // Passable (not listable) by the sandbox user, as a storage root must be for a root worker.
  await chmod(base, 0o711);
  await writeFile(path.join(base, "outside.txt"), "secret outside the session");
  const sandbox = testSandbox(base, options.sandboxEnv);
  return {
    base,
    // Deliberately not created: tools create the session folder on first use.
    context: {
      sessionDir: path.join(base, "session"),
      signal: options.signal ?? new AbortController().signal,
      limits: { allowPrivateNetworks: options.allowPrivateNetworks ?? false },
      sandbox,
      network: options.network ?? "none",
    },
    async cleanup() {
      await sandbox.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}
