/** The "none" driver: today's unconfined behaviour, refused where it would expose other people's data. */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ConfigError } from "../../config/config";
import { checkUnconfinedAllowed } from "./unconfined-policy";
import { testSandbox } from "../../../test/helpers/test-sandbox";

const none = { SANDBOX_DRIVER: "none" as const, SANDBOX_ACCEPT_UNCONFINED: false, NODE_ENV: "development" as const };

describe("when the worker may run commands unconfined", () => {
  it("allows it for one workspace outside production", () => {
    expect(() => checkUnconfinedAllowed(none, 1)).not.toThrow();
  });

  it("refuses it with several workspaces, saying why and what to set", () => {
    expect(() => checkUnconfinedAllowed(none, 2)).toThrow(ConfigError);
    expect(() => checkUnconfinedAllowed(none, 2)).toThrow(/the database holds 2 workspaces.*SANDBOX_DRIVER=bubblewrap.*SANDBOX_ACCEPT_UNCONFINED=true/s);
  });

  it("refuses it in production, even for one workspace", () => {
    expect(() => checkUnconfinedAllowed({ ...none, NODE_ENV: "production" }, 1)).toThrow(/NODE_ENV is production/);
  });

  it("allows it anywhere once the risk is accepted explicitly, and never restricts bubblewrap", () => {
    expect(() => checkUnconfinedAllowed({ ...none, NODE_ENV: "production", SANDBOX_ACCEPT_UNCONFINED: true }, 5)).not.toThrow();
    expect(() => checkUnconfinedAllowed({ ...none, SANDBOX_DRIVER: "bubblewrap", NODE_ENV: "production" }, 5)).not.toThrow();
  });
});

describe("the none driver", () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), "mix-unconfined-"));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it("runs in the host folder with an environment from scratch and the same limits", async () => {
    const sandbox = testSandbox(base, { SANDBOX_DRIVER: "none", SANDBOX_MAX_FILE_MB: "1" });
    process.env.MIX_UNCONFINED_TEST_SECRET = "still-not-passed-on";
    try {
      const workdir = path.join(base, "session");
      const run = (command: string) =>
        sandbox.run({
          argv: ["bash", "-c", command],
          workdir,
          network: "none",
          timeoutMs: 10_000,
          maxOutputChars: 10_000,
          signal: new AbortController().signal,
        });
      const shown = await run("pwd; env");
      expect(shown.stdout.text.split("\n")[0]).toBe(workdir);
      expect(shown.stdout.text).not.toContain("still-not-passed-on");
      expect(sandbox.workdirInside).toBeNull();
      const big = await run("head -c 3000000 /dev/zero > big.bin");
      expect(big.limitHit?.limit).toBe("file_size");
    } finally {
      delete process.env.MIX_UNCONFINED_TEST_SECRET;
    }
  });
});
