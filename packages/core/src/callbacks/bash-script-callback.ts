/** bash_script callbacks: the command runs in the session's sandbox with the tool call in its environment. */
import type { Callback } from "../contracts/callbacks";
import { SandboxStartError } from "../sandbox/sandbox";
import { shownOutput } from "../tools/command-result";
import type { CallbackInvocation, CallbackResult } from "./callback-invocation";

/** Most characters kept of each of stdout and stderr (the Bash tool's cap). */
export const CALLBACK_MAX_OUTPUT_CHARS = 30_000;
/**
 * Most UTF-8 bytes of CALLBACK_TOOL_RESULT. Linux refuses to start a program when a single
 * environment string exceeds 128 KiB (E2BIG), so a larger tool result is cut, with a note.
 */
export const CALLBACK_TOOL_RESULT_MAX_BYTES = 100_000;

/** The bash_script part of a callback result; fields as the contract's CallbackResultData. */
export async function runBashScriptCallback(callback: Callback, invocation: CallbackInvocation): Promise<CallbackResult> {
  const timeoutMs = callback.bashTimeout ?? invocation.defaultTimeoutMs;
  let run;
  try {
    run = await invocation.sandbox.run({
      argv: ["bash", "-c", callback.bashCommand ?? ""],
      workdir: invocation.sessionDir,
      network: invocation.network,
      timeoutMs,
      signal: invocation.signal,
      maxOutputChars: CALLBACK_MAX_OUTPUT_CHARS,
      env: callbackEnv(invocation),
    });
  } catch (error) {
    if (error instanceof SandboxStartError) return { success: false, error: error.message };
    return { success: false, error: `Could not start the command: ${(error as Error).message}` };
  }
  if (run.stoppedBy === "abort") throw invocation.signal.reason;

  const streams = { stdout: shownOutput(run.stdout), stderr: shownOutput(run.stderr) };
  const limit = run.limitHit ? `. ${run.limitHit.message}` : "";
  if (run.stoppedBy === "timeout") return { success: false, ...streams, error: `Timed out after ${timeoutMs} ms and was killed${limit}` };
  if (run.exitCode !== 0) return { success: false, exit_code: run.exitCode, ...streams, error: `Exit code ${run.exitCode}${limit}` };
  return { success: true, exit_code: 0, ...streams };
}

function callbackEnv(invocation: CallbackInvocation): Record<string, string> {
  return {
    CALLBACK_TOOL_RESULT: capUtf8(envSafe(invocation.toolResult), CALLBACK_TOOL_RESULT_MAX_BYTES),
    CALLBACK_TOOL_NAME: envSafe(invocation.toolName),
    CALLBACK_TOOL_ID: envSafe(invocation.toolCallId),
    CALLBACK_SESSION_ID: envSafe(invocation.sessionId),
  };
}

// An environment string cannot hold a NUL byte (it would end the string); binary tool output may.
const envSafe = (text: string) => text.replaceAll("\0", "");

/** At most `maxBytes` of UTF-8, cut on a character boundary, with a note of what was cut. */
export function capUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so no character is split.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  const kept = bytes.subarray(0, end).toString("utf8");
  return `${kept}\n[truncated: ${text.length - kept.length} more characters]`;
}
