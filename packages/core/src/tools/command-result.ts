/**
 * What the tools that run a sandboxed command share: their timeout input, and how the command's
 * end reads to the model (why it stopped, which limit it hit, how much output was cut).
 */
import { z } from "zod";
import type { CapturedText, SandboxRun } from "../sandbox/sandbox";

export const COMMAND_DEFAULT_TIMEOUT_MS = 60_000;
export const COMMAND_MAX_TIMEOUT_MS = 600_000;

/** The optional `timeout` input (milliseconds) of a tool that runs `what`. */
export function commandTimeout(what: string) {
  return z
    .number()
    .int()
    .min(1)
    .max(COMMAND_MAX_TIMEOUT_MS)
    .optional()
    .describe(`Milliseconds before the ${what} is killed (default ${COMMAND_DEFAULT_TIMEOUT_MS}, at most ${COMMAND_MAX_TIMEOUT_MS})`);
}

/** Text with a note of how much of it did not fit. */
export function shownOutput({ text, droppedChars }: CapturedText): string {
  const trimmed = text.trimEnd();
  return droppedChars > 0 ? `${trimmed}\n[output truncated: ${droppedChars} more characters]` : trimmed;
}

/** Why the command failed, as lines to append to its output; empty when it succeeded. */
export function failureNotes(run: SandboxRun, timeoutMs: number): string[] {
  const notes: string[] = [];
  if (run.stoppedBy === "timeout") notes.push(`Command timed out after ${timeoutMs} ms and was killed, with every process it started`);
  else if (run.stoppedBy === "abort") notes.push("Command was cancelled");
  else if (run.exitCode !== 0) notes.push(`Exit code ${run.exitCode}`);
  if (run.limitHit) notes.push(run.limitHit.message);
  return notes;
}
