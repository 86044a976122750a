/** How a sandboxed command's end reads to the model: why it stopped, which limit it hit, how much output was cut. */
import type { CapturedText, SandboxRun } from "../sandbox/sandbox";

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
