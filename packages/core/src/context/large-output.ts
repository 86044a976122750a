/**
 * A tool output too long to send whole (over TOOL_OUTPUT_MAX_BYTES) is written to the session
 * folder, where the agent can read or search it; the model and the transcript get its head, its
 * tail and that file's path. A smaller output passes unchanged.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** Relative to the session folder. */
export const TOOL_OUTPUT_FOLDER = "tool-outputs";

export async function keepLargeOutput(output: string, toolCallId: string, sessionDir: string, maxBytes: number): Promise<string> {
  const bytes = Buffer.byteLength(output, "utf8");
  if (bytes <= maxBytes) return output;
  const relative = `${TOOL_OUTPUT_FOLDER}/${toolCallId.replace(/[^A-Za-z0-9_-]/g, "_")}.txt`;
  await mkdir(join(sessionDir, TOOL_OUTPUT_FOLDER), { recursive: true });
  await writeFile(join(sessionDir, relative), output, "utf8");
  // A quarter of the limit each: what is shown stays well under it, characters or bytes.
  const part = Math.floor(maxBytes / 4);
  const head = output.slice(0, part);
  const tail = output.slice(-part);
  return (
    `[This output is ${bytes} bytes, too long to show whole; all of it is in the session folder at ${relative} ` +
    `(read or search that file for the rest). Its start and its end:]\n${head}\n` +
    `[… ${output.length - head.length - tail.length} characters not shown …]\n${tail}`
  );
}
