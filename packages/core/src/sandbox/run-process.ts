/**
 * Runs one process tree to its end for a sandbox driver: output captured and streamed, a
 * wall-clock limit and an abort signal that kill the whole tree, and no promise settled while
 * a process it started may still write.
 */
import { spawn, type SpawnOptions } from "node:child_process";
import { constants } from "node:os";
import type { Writable } from "node:stream";
import { OutputCapture } from "./output-capture";
import type { SandboxCommand, SandboxRun } from "./sandbox";

// After the program exits, how long a background child may hold its output open before it is killed.
const EXIT_GRACE_MS = 500;

export interface ProcessSpec {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  uid?: number;
  gid?: number;
  /** Each written to its own pipe, from fd 3 on, then closed (bubblewrap reads its set-up there). */
  extraInputs?: Buffer[];
}

export type ProcessRun = Omit<SandboxRun, "limitHit">;

/** Rejects only when the process cannot be started at all (ENOENT, E2BIG, a missing cwd). */
export function runProcess(
  spec: ProcessSpec,
  command: Pick<SandboxCommand, "timeoutMs" | "signal" | "maxOutputChars" | "stdin" | "onOutput">,
): Promise<ProcessRun> {
  const { timeoutMs, signal, maxOutputChars } = command;
  return new Promise((resolve, reject) => {
    const extraInputs = spec.extraInputs ?? [];
    const stdio: SpawnOptions["stdio"] = ["pipe", "pipe", "pipe", ...extraInputs.map(() => "pipe" as const)];
    // Its own process group (detached), so a timeout or cancel kills everything it started.
    const child = spawn(spec.file, spec.args, {
      cwd: spec.cwd,
      detached: true,
      stdio,
      env: spec.env,
      ...(spec.uid !== undefined ? { uid: spec.uid, gid: spec.gid } : {}),
    });
    const output = new OutputCapture(maxOutputChars);
    const stdout = new OutputCapture(maxOutputChars);
    const stderr = new OutputCapture(maxOutputChars);
    const collect = (stream: "stdout" | "stderr", capture: OutputCapture) => (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output.add(text);
      capture.add(text);
      command.onOutput?.(stream, text);
    };
    child.stdout!.on("data", collect("stdout", stdout));
    child.stderr!.on("data", collect("stderr", stderr));
    child.stdin!.on("error", ignorePipeClosed);
    child.stdin!.end(command.stdin ?? "");
    extraInputs.forEach((data, index) => {
      const pipe = child.stdio[3 + index] as Writable;
      pipe.on("error", ignorePipeClosed);
      pipe.end(data);
    });

    let stoppedBy: ProcessRun["stoppedBy"] = null;
    let exitCode = 1;
    let graceTimer: NodeJS.Timeout | undefined;
    const killGroup = () => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch (error) {
        // ESRCH: the group has already gone, which is the goal.
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
      }
    };
    const stop = (reason: "timeout" | "abort") => {
      stoppedBy ??= reason;
      killGroup();
    };
    const timer = setTimeout(() => stop("timeout"), timeoutMs);
    const onAbort = () => stop("abort");
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal.removeEventListener("abort", onAbort);
      killGroup();
      resolve({ output: output.result(), stdout: stdout.result(), stderr: stderr.result(), exitCode, stoppedBy });
    };
    child.on("error", (error) => {
      done = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
    child.on("exit", (code, killedBy) => {
      exitCode = code ?? 128 + (killedBy ? constants.signals[killedBy] : 0);
      graceTimer = setTimeout(() => {
        child.stdout!.destroy();
        child.stderr!.destroy();
        finish();
      }, EXIT_GRACE_MS);
    });
    child.on("close", finish);
  });
}

/**
 * Input pipes are best effort: a program that exits (or fails to start) without reading closes
 * them, and how far it read is its own business. The exit code reports what happened.
 */
function ignorePipeClosed(): void {}
