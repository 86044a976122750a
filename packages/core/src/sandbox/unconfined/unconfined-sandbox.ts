/**
 * The "none" driver: commands run as the worker's own user, in the host's file system and
 * network, in the session folder with an environment built from scratch and the same limits.
 * Only for a single trusted user on a machine without namespaces; see unconfined-policy.ts.
 */
import type { Logger } from "../../logging/logger";
import { findProgram } from "../find-program";
import { runProcess } from "../run-process";
import { sandboxEnv } from "../sandbox-env";
import { detectLimitHit, prlimitArgs, type SandboxLimits } from "../sandbox-limits";
import type { Sandbox, SandboxCommand, SandboxRun } from "../sandbox";
import { prepareWorkdir } from "../workdir";

export class UnconfinedSandbox implements Sandbox {
  readonly driver = "none" as const;
  readonly workdirInside = null;
  readonly fileOwner = null;
  private prlimit?: Promise<string | null>;

  constructor(private readonly options: { limits: SandboxLimits; logger: Logger }) {}

  async start(): Promise<void> {
    this.options.logger.warn(
      "SANDBOX_DRIVER=none: agent commands run unconfined, as the worker's user, with its files and network. " +
        "Any session can read this machine's secrets. Use it only for a single trusted user.",
    );
  }

  async run(command: SandboxCommand): Promise<SandboxRun> {
    await prepareWorkdir(command.workdir, null);
    this.prlimit ??= findProgram("prlimit", "/usr/bin:/bin");
    const prlimit = await this.prlimit;
    const argv = prlimit ? [prlimit, ...prlimitArgs(this.options.limits), "--", ...command.argv] : command.argv;
    const env = sandboxEnv(command.workdir, process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", command.env);
    const run = await runProcess({ file: argv[0]!, args: argv.slice(1), env, cwd: command.workdir }, command);
    return { ...run, limitHit: detectLimitHit(run, this.options.limits) };
  }

  async close(): Promise<void> {}
}
