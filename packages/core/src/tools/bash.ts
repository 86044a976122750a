/** Bash: runs a shell command in the session folder, bounded in time and output. */
import { spawn } from "node:child_process";
import { z } from "zod";
import { deniedRule } from "./bash-deny-list";
import { sessionRoot } from "./paths";
import { defineTool, failed, ok, type ToolResult } from "./tool";

export const BASH_DEFAULT_TIMEOUT_MS = 60_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
export const BASH_MAX_OUTPUT_CHARS = 30_000;
// After the shell exits, how long a background child may hold its output open before it is killed.
const EXIT_GRACE_MS = 500;

const input = z.strictObject({
  command: z.string().min(1).describe("The command line, run with bash -c in the session folder"),
  timeout: z
    .number()
    .int()
    .min(1)
    .max(BASH_MAX_TIMEOUT_MS)
    .optional()
    .describe(`Milliseconds before the command is killed (default ${BASH_DEFAULT_TIMEOUT_MS}, at most ${BASH_MAX_TIMEOUT_MS})`),
  description: z.string().optional().describe("A few words on what the command does, shown to the user"),
});

export const bashTool = defineTool({
  name: "Bash",
  description:
    "Runs a bash command with the session folder as its working directory and returns its combined stdout and stderr " +
    `(at most ${BASH_MAX_OUTPUT_CHARS} characters) and its exit code. The command is killed after \`timeout\` ms ` +
    `(default ${BASH_DEFAULT_TIMEOUT_MS / 1000} s, max ${BASH_MAX_TIMEOUT_MS / 1000} s), with any processes it started. ` +
    "Dangerous commands (sudo, rm -rf /, shutdown, mkfs, dd, curl | sh...) are refused. Prefer ReadText, Write, Edit, " +
    "Glob and Grep for files; use Bash for builds, tests, git and other programs.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "shell",
  async execute({ command, timeout }, context) {
    const rule = deniedRule(command);
    if (rule) return failed(`Command refused by the safety rule "${rule}". Rephrase it without that operation.`);
    return runShell(command, await sessionRoot(context), timeout ?? BASH_DEFAULT_TIMEOUT_MS, context.signal);
  },
});

function runShell(command: string, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    // Its own process group (detached), so a timeout or cancel kills everything it started.
    // A minimal environment: the server's secrets (database URL, provider keys) stay out of reach.
    const child = spawn("bash", ["-c", command], {
      cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: { PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin", HOME: cwd, LANG: process.env.LANG ?? "C.UTF-8", TERM: "dumb" },
    });
    let output = "";
    let dropped = 0;
    const collect = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      const room = BASH_MAX_OUTPUT_CHARS - output.length;
      output += text.slice(0, Math.max(room, 0));
      dropped += Math.max(text.length - Math.max(room, 0), 0);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);

    let stopReason: "timeout" | "abort" | null = null;
    let exitCode: number | null = null;
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
      stopReason ??= reason;
      killGroup();
    };
    const timer = setTimeout(() => stop("timeout"), timeoutMs);
    const onAbort = () => stop("abort");
    signal.addEventListener("abort", onAbort, { once: true });

    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(graceTimer);
      signal.removeEventListener("abort", onAbort);
      killGroup();
      let text = output.trimEnd();
      if (dropped > 0) text += `\n[output truncated: ${dropped} more characters]`;
      if (stopReason === "timeout") return resolve(failed(`${text}\nCommand timed out after ${timeoutMs} ms and was killed`.trim()));
      if (stopReason === "abort") return resolve(failed(`${text}\nCommand was cancelled`.trim()));
      if (exitCode !== 0) return resolve(failed(`${text}\nExit code ${exitCode}`.trim()));
      resolve(ok(text || "(no output)"));
    };
    child.on("error", (error) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      reject(error);
    });
    child.on("exit", (code, killedBy) => {
      exitCode = code ?? (killedBy ? 128 : 1);
      graceTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish();
      }, EXIT_GRACE_MS);
    });
    child.on("close", finish);
  });
}
