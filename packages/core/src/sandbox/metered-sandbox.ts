/** A sandbox whose commands are counted in the process's metrics (mix_sandbox_runs_total), by driver and how they ended. */
import { countSandboxRun } from "../metrics/record";
import type { Sandbox, SandboxRun } from "./sandbox";

export function meteredSandbox(inner: Sandbox): Sandbox {
  return {
    get driver() {
      return inner.driver;
    },
    get workdirInside() {
      return inner.workdirInside;
    },
    get fileOwner() {
      return inner.fileOwner;
    },
    start: () => inner.start(),
    close: () => inner.close(),
    async run(command) {
      let run: SandboxRun;
      try {
        run = await inner.run(command);
      } catch (error) {
        // It rejects only when the command could not start at all (SandboxStartError and the like).
        countSandboxRun(inner.driver, "start_error");
        throw error;
      }
      countSandboxRun(inner.driver, run.stoppedBy ?? (run.exitCode === 0 ? "exited" : "failed"));
      return run;
    },
  };
}
