/** The worker's sandbox check at start: a sandbox that cannot run here is refused with what to do about it. */
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { SandboxStartError } from "./sandbox";
import { testSandbox } from "../../test/helpers/test-sandbox";

let base: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "mix-start-check-"));
});
afterEach(() => rm(base, { recursive: true, force: true }));

it("starts where the sandbox user can reach the storage folder", async () => {
  await chmod(base, 0o711);
  const sandbox = testSandbox(path.join(base, "storage"));
  await expect(sandbox.start()).resolves.toBeUndefined();
  await sandbox.close();
});

// Only a root worker runs commands as another user; any other worker's sandbox user is itself.
const asRoot = process.getuid?.() === 0 ? it : it.skip;
asRoot("says how to fix a storage folder the sandbox user cannot pass through", async () => {
  await chmod(base, 0o700);
  const storage = path.join(base, "storage");
  await mkdir(storage);
  const sandbox = testSandbox(storage);
  const failure = await sandbox.start().then(
    () => null,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(SandboxStartError);
  expect((failure as Error).message).toMatch(/sandbox user \(uid 10001, SANDBOX_UID\).*chmod o\+x/);
  await sandbox.close();
});

it("says what is missing when bubblewrap is not installed", async () => {
  const sandbox = testSandbox(base, { SANDBOX_BWRAP_PATH: path.join(base, "no-bwrap") });
  await expect(sandbox.start()).rejects.toThrow(/bubblewrap .* is not installed: install the "bubblewrap" package/);
});
