/**
 * The bubblewrap driver, the default on Linux: each command in its own user, PID, mount, IPC,
 * UTS and network namespaces, seeing the read-only system folders, sized tmpfs folders and the
 * session folder at /workspace, and nothing else of the host.
 */
import { chmod, mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Logger } from "../../logging/logger";
import type { FileOwner } from "../../storage/file-owner";
import { findProgram } from "../find-program";
import { runProcess } from "../run-process";
import { egressProxyEnv } from "../egress/egress-paths";
import { sandboxEnv, SYSTEM_PATH } from "../sandbox-env";
import { detectLimitHit, type SandboxLimits } from "../sandbox-limits";
import { SandboxStartError, type Sandbox, type SandboxCommand, type SandboxRun } from "../sandbox";
import { prepareWorkdir } from "../workdir";
import { bwrapArgs, SANDBOX_HOME, SANDBOX_WORKDIR } from "./bwrap-args";
import { BubblewrapEgress, type EgressSettings } from "./bubblewrap-egress";
import { systemMounts } from "./system-mounts";

export interface BubblewrapSandboxOptions {
  /** `bwrap`, looked up on PATH, or an absolute path. */
  bwrapPath: string;
  limits: SandboxLimits;
  /** The folder that holds the session folders: checked reachable at start, hidden from commands. */
  storageRoot: string;
  /** The unprivileged user commands run as when the worker is root; null: the worker's own user. */
  runAs: FileOwner | null;
  egress: EgressSettings;
  logger: Logger;
}

interface Prepared {
  bwrap: string;
  prlimit: string;
  systemArgs: string[];
  /** The worker's own folder for what every sandbox binds (its /etc). */
  runtimeDir: string;
}

export class BubblewrapSandbox implements Sandbox {
  readonly driver = "bubblewrap" as const;
  readonly workdirInside = SANDBOX_WORKDIR;
  readonly fileOwner: FileOwner | null;
  private prepared?: Promise<Prepared>;
  private readonly egress: BubblewrapEgress;

  constructor(private readonly options: BubblewrapSandboxOptions) {
    this.fileOwner = options.runAs;
    this.egress = new BubblewrapEgress(options.egress, options.runAs, options.logger);
  }

  async start(): Promise<void> {
    const prepared = await this.prepare();
    // A real command in a folder beside the sessions: proves namespaces work here and that the
    // sandbox user can reach the storage folder, before the first run depends on it.
    await mkdir(this.options.storageRoot, { recursive: true });
    const probeDir = await mkdtemp(path.join(this.options.storageRoot, ".sandbox-check-"));
    try {
      await this.execute(prepared, {
        argv: ["true"],
        workdir: probeDir,
        network: "none",
        timeoutMs: 10_000,
        maxOutputChars: 4_000,
        signal: new AbortController().signal,
      });
    } catch (error) {
      if (error instanceof SandboxStartError) throw new SandboxStartError(`${error.message}. ${this.remedy(error.message)}`);
      throw error;
    } finally {
      await rm(probeDir, { recursive: true, force: true });
    }
  }

  /** What the operator can do about a sandbox that does not start here. */
  private remedy(failure: string): string {
    const { runAs, storageRoot } = this.options;
    if (runAs && /Permission denied/.test(failure)) {
      return (
        `The sandbox user (uid ${runAs.uid}, SANDBOX_UID) must be able to pass through every folder above ` +
        `STORAGE_DIR (${path.resolve(storageRoot)}): give them search permission (chmod o+x), or move STORAGE_DIR`
      );
    }
    if (/namespace|uid map|setting up uid|Operation not permitted/i.test(failure)) {
      return "This host does not let unprivileged processes create user namespaces: allow them (user.max_user_namespaces, AppArmor's userns restriction, a container's seccomp profile; see the README's Security section), or set SANDBOX_DRIVER=none for a single trusted user";
    }
    return "See the README's Security section";
  }

  async run(command: SandboxCommand): Promise<SandboxRun> {
    return this.execute(await this.prepare(), command);
  }

  async close(): Promise<void> {
    await this.egress.close();
    const pending = this.prepared;
    this.prepared = undefined;
    // A preparation that failed left nothing behind (see locatePrograms), so only a success is undone.
    const prepared = await pending?.then(
      (value) => value,
      () => undefined,
    );
    if (prepared) await rm(prepared.runtimeDir, { recursive: true, force: true });
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= this.locatePrograms().catch((error: unknown) => {
      this.prepared = undefined;
      throw error;
    });
    return this.prepared;
  }

  private async locatePrograms(): Promise<Prepared> {
    const bwrap = await findProgram(this.options.bwrapPath);
    if (!bwrap) {
      throw new SandboxStartError(
        `bubblewrap (${this.options.bwrapPath}) is not installed: install the "bubblewrap" package (apt-get install bubblewrap), ` +
          "or set SANDBOX_DRIVER=none to run agent commands unconfined (unsafe)",
      );
    }
    const prlimit = await findProgram("prlimit", "/usr/bin:/bin");
    if (!prlimit) throw new SandboxStartError('prlimit is missing: it comes with util-linux ("apt-get install util-linux")');
    const root = path.resolve(this.options.storageRoot);
    // Passable by the sandbox user (bwrap resolves bind sources as that user), not listable.
    const runtimeDir = await mkdtemp(path.join(os.tmpdir(), "mix-sandbox-"));
    await chmod(runtimeDir, 0o711);
    try {
      // The worker's own code and working folder stay hidden even if they live under /usr.
      const { args } = await systemMounts(path.join(runtimeDir, "etc"), [process.cwd(), root, path.resolve(__dirname, "../../../../..")]);
      return { bwrap, prlimit, systemArgs: args, runtimeDir };
    } catch (error) {
      await rm(runtimeDir, { recursive: true, force: true });
      throw error;
    }
  }

  private async execute(prepared: Prepared, command: SandboxCommand): Promise<SandboxRun> {
    const { runAs, limits } = this.options;
    await prepareWorkdir(command.workdir, runAs);
    const egress = command.network === "egress" ? await this.egress.mounts() : null;
    const env = sandboxEnv(SANDBOX_HOME, SYSTEM_PATH, { ...(egress ? egressProxyEnv(egress.port) : {}), ...command.env });
    const { options, command: inside } = bwrapArgs({
      systemArgs: prepared.systemArgs,
      workdir: command.workdir,
      env,
      limits,
      prlimit: prepared.prlimit,
      argv: command.argv,
      egress,
    });
    // Options through a pipe (--args): the command line of bwrap, which the sandbox can read in
    // /proc/1/cmdline, then shows no host path and no environment value, only the command itself.
    // bwrap gets an empty environment for the same reason (/proc/1/environ).
    const run = await runProcess(
      {
        file: prepared.bwrap,
        args: ["--args", "3", "--", ...inside],
        env: {},
        extraInputs: [Buffer.from(options.map((arg) => `${arg}\0`).join(""))],
        ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
      },
      command,
    );
    if (isSetupFailure(run)) {
      throw new SandboxStartError(`The sandbox could not start: ${run.stderr.text.trim()}${runAs ? ` (sandbox user ${runAs.uid})` : ""}`);
    }
    return { ...run, limitHit: detectLimitHit(run, limits) };
  }
}

/** bwrap's own failure (before the command ran): exit 1 with nothing but one "bwrap: ..." line. */
function isSetupFailure(run: { exitCode: number; stdout: { text: string }; stderr: { text: string } }): boolean {
  return run.exitCode === 1 && run.stdout.text === "" && /^bwrap: [^\n]*\n?$/.test(run.stderr.text);
}
