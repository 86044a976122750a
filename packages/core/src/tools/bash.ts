/** Bash: runs a shell command in the session's sandbox, bounded in time, output and resources. */
import { z } from "zod";
import { deniedRule } from "./bash-deny-list";
import { COMMAND_DEFAULT_TIMEOUT_MS, COMMAND_MAX_TIMEOUT_MS, commandTimeout, failureNotes, shownOutput } from "./command-result";
import { sessionRoot } from "./paths";
import { defineTool, failed, ok } from "./tool";

export const BASH_DEFAULT_TIMEOUT_MS = COMMAND_DEFAULT_TIMEOUT_MS;
export const BASH_MAX_TIMEOUT_MS = COMMAND_MAX_TIMEOUT_MS;
export const BASH_MAX_OUTPUT_CHARS = 30_000;

const input = z.strictObject({
  command: z.string().min(1).describe("The command line, run with bash -c in the session folder"),
  timeout: commandTimeout("command"),
  description: z.string().optional().describe("A few words on what the command does, shown to the user"),
});

export const bashTool = defineTool({
  name: "Bash",
  description:
    "Runs a bash command with the session folder as its working directory and returns its combined stdout and stderr " +
    `(at most ${BASH_MAX_OUTPUT_CHARS} characters) and its exit code. The command is killed after \`timeout\` ms ` +
    `(default ${BASH_DEFAULT_TIMEOUT_MS / 1000} s, max ${BASH_MAX_TIMEOUT_MS / 1000} s), with any processes it started. ` +
    "It runs in a sandbox: only the session folder is kept and writable (it is the working directory), /tmp and the home " +
    "folder are private and emptied after each command, system folders are read-only, nothing keeps running after the " +
    "command ends, and there is no network unless the workspace allows egress to public hosts (through a proxy that " +
    "HTTP_PROXY names). CPU time, memory, processes and file sizes are limited. " +
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
    const run = await context.sandbox.run({
      argv: ["bash", "-c", command],
      workdir: await sessionRoot(context),
      network: context.network,
      timeoutMs,
      maxOutputChars: BASH_MAX_OUTPUT_CHARS,
      signal: context.signal,
    });
    const text = shownOutput(run.output);
    const notes = failureNotes(run, timeoutMs);
    if (notes.length > 0) return failed([text, ...notes].filter(Boolean).join("\n"));
    return ok(text || "(no output)");
  },
});
