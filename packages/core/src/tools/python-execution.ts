/** python_execution: runs a Python 3 program in the session's sandbox and returns its stdout, stderr and exit code. */
import { z } from "zod";
import { BASH_MAX_OUTPUT_CHARS } from "./bash";
import { COMMAND_DEFAULT_TIMEOUT_MS, commandTimeout, failureNotes, shownOutput } from "./command-result";
import { sessionRoot } from "./paths";
import { defineTool, failed, ok } from "./tool";

/** Characters of code accepted; it reaches Python on its standard input, so no argument-size limit applies. */
export const PYTHON_MAX_CODE_CHARS = 1_000_000;

const input = z.strictObject({
  code: z.string().min(1).max(PYTHON_MAX_CODE_CHARS).describe("The Python 3 program to run"),
  timeout: commandTimeout("program"),
});

// What the sandbox's launcher prints when python3 is not installed on the worker host.
const PYTHON_MISSING = /failed to execute python3|python3: (command )?not found/;

export const pythonExecutionTool = defineTool({
  // The contract's CoreToolName for code execution.
  name: "python_execution",
  description:
    "Runs a Python 3 program (given as text) in the session's sandbox, with the session folder as its working directory, " +
    `and returns its exit code, stdout and stderr (each at most ${BASH_MAX_OUTPUT_CHARS} characters). ` +
    `It is killed after \`timeout\` ms (default ${COMMAND_DEFAULT_TIMEOUT_MS / 1000} s). Only the standard library and the ` +
    "packages installed on the host are available; files written outside the session folder are gone afterwards; " +
    "there is no network unless the workspace allows egress. Print what you want to see.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "shell",
  async execute({ code, timeout }, context) {
    const timeoutMs = timeout ?? COMMAND_DEFAULT_TIMEOUT_MS;
    const run = await context.sandbox.run({
      // -I: isolated from PYTHON* variables and the user's site folder; "-": the program is standard input.
      argv: ["python3", "-I", "-"],
      stdin: code,
      workdir: await sessionRoot(context),
      network: context.network,
      timeoutMs,
      maxOutputChars: BASH_MAX_OUTPUT_CHARS,
      signal: context.signal,
    });
    if (run.exitCode === 127 && run.stoppedBy === null && PYTHON_MISSING.test(run.stderr.text)) {
      return failed("Python 3 is not installed on the worker host (no python3 on its PATH), so python_execution cannot run");
    }
    const text = [`Exit code ${run.exitCode}`, section("stdout", shownOutput(run.stdout)), section("stderr", shownOutput(run.stderr))]
      .filter(Boolean)
      .join("\n");
    const notes = failureNotes(run, timeoutMs).filter((note) => !note.startsWith("Exit code"));
    return notes.length > 0 || run.exitCode !== 0 ? failed([text, ...notes].join("\n")) : ok(text);
  },
});

function section(name: string, text: string): string {
  return text ? `--- ${name} ---\n${text}` : "";
}
