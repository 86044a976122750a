/** Bash: runs a shell command in the session folder, bounded in time and output. */
import { z } from "zod";
import { deniedRule } from "./bash-deny-list";
import { sessionRoot } from "./paths";
import { runShell, type ShellRun } from "./shell";
import { defineTool, failed, ok, type ToolResult } from "./tool";

export const BASH_DEFAULT_TIMEOUT_MS = 60_000;
export const BASH_MAX_TIMEOUT_MS = 600_000;
export const BASH_MAX_OUTPUT_CHARS = 30_000;

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
    const timeoutMs = timeout ?? BASH_DEFAULT_TIMEOUT_MS;
    const run = await runShell(command, { cwd: await sessionRoot(context), timeoutMs, signal: context.signal, maxOutputChars: BASH_MAX_OUTPUT_CHARS });
    return bashResult(run, timeoutMs);
  },
});

/** stdout and stderr together, as a terminal shows them, with why the command ended when it failed. */
function bashResult({ output, exitCode, stoppedBy }: ShellRun, timeoutMs: number): ToolResult {
  let text = output.text.trimEnd();
  if (output.droppedChars > 0) text += `\n[output truncated: ${output.droppedChars} more characters]`;
  if (stoppedBy === "timeout") return failed(`${text}\nCommand timed out after ${timeoutMs} ms and was killed`.trim());
  if (stoppedBy === "abort") return failed(`${text}\nCommand was cancelled`.trim());
  if (exitCode !== 0) return failed(`${text}\nExit code ${exitCode}`.trim());
  return ok(text || "(no output)");
}
