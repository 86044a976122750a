/**
 * Runs one bash command line the way the Bash tool and bash_script callbacks need it: in a given
 * folder, with a minimal environment, bounded in time and output, and killed together with every
 * process it started when it times out or its signal aborts.
 */
import { spawn } from "node:child_process";
import { constants } from "node:os";

// After the shell exits, how long a background child may hold its output open before it is killed.
const EXIT_GRACE_MS = 500;

export interface ShellOptions {
  cwd: string;
  timeoutMs: number;
  /** Aborting kills the command; the run then resolves with `stoppedBy: "abort"` (it never rejects for it). */
  signal: AbortSignal;
  /** Most characters kept of each of `output`, `stdout` and `stderr`; the rest is counted, not kept. */
  maxOutputChars: number;
  /** Variables added to the minimal environment (see minimalShellEnv). */
  env?: Record<string, string>;
}

/** Text kept from one stream, and how many characters did not fit. */
export interface CapturedText {
  text: string;
  droppedChars: number;
}

export interface ShellRun {
  /** stdout and stderr interleaved in the order they arrived. */
  output: CapturedText;
  stdout: CapturedText;
  stderr: CapturedText;
  /** The shell's exit code; 128 + the signal number when a signal killed it. */
  exitCode: number;
  /** Why the command was killed before it finished by itself, if it was. */
  stoppedBy: "timeout" | "abort" | null;
}

/**
 * The environment a command sees: no variable of the server's own (database URL, provider keys),
 * only what a shell needs to find programs and print text, with the working folder as HOME.
 */
export function minimalShellEnv(home: string): Record<string, string> {
  return { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: home, LANG: process.env.LANG ?? "C.UTF-8", TERM: "dumb" };
}

/** Rejects only when the command cannot be started at all (e.g. E2BIG, a missing cwd). */
export function runShell(command: string, options: ShellOptions): Promise<ShellRun> {
  const { cwd, timeoutMs, signal, maxOutputChars } = options;
  return new Promise((resolve, reject) => {
    // Its own process group (detached), so a timeout or cancel kills everything it started.
    const child = spawn("bash", ["-c", command], {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...minimalShellEnv(cwd), ...options.env },
    });
    const output = new Capture(maxOutputChars);
    const stdout = new Capture(maxOutputChars);
    const stderr = new Capture(maxOutputChars);
    child.stdout.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output.add(text);
      stdout.add(text);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      output.add(text);
      stderr.add(text);
    });

    let stoppedBy: ShellRun["stoppedBy"] = null;
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
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, EXIT_GRACE_MS);
    });
    child.on("close", finish);
  });
}

class Capture {
  private text = "";
  private dropped = 0;

  constructor(private readonly maxChars: number) {}

  add(chunk: string): void {
    const room = Math.max(this.maxChars - this.text.length, 0);
    this.text += chunk.slice(0, room);
    this.dropped += Math.max(chunk.length - room, 0);
  }

  result(): CapturedText {
    return { text: this.text, droppedChars: this.dropped };
  }
}
