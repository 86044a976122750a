/** ReadText: a text file with numbered lines, a window of it for long files. */
import { open, stat } from "node:fs/promises";
import { z } from "zod";
import { agentPath } from "./paths";
import { defineTool, ToolError } from "./tool";

export const READ_MAX_BYTES = 10 * 1024 * 1024;
export const READ_DEFAULT_LINES = 2_000;
const MAX_LINE_CHARS = 2_000;
const MAX_OUTPUT_CHARS = 200_000;
const BINARY_SNIFF_BYTES = 8_000;

const input = z.strictObject({
  file_path: z.string().min(1).describe("Path of the file, relative to the session folder (or absolute inside it)"),
  offset: z.number().int().min(1).optional().describe("First line to read, counting from 1"),
  limit: z.number().int().min(1).max(100_000).optional().describe(`How many lines to read (default ${READ_DEFAULT_LINES})`),
});

export const readTextTool = defineTool({
  name: "ReadText",
  description:
    "Reads a UTF-8 text file from the session folder and returns its lines numbered from 1 (`number<TAB>text`). " +
    `Reads ${READ_DEFAULT_LINES} lines by default; pass offset and limit to page through longer files. ` +
    `Lines longer than ${MAX_LINE_CHARS} characters are cut. Binary files and files over ${READ_MAX_BYTES / 1024 / 1024} MB are refused.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "files",
  async execute({ file_path, offset, limit }, context) {
    const file = await agentPath(context, file_path);
    const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new ToolError(`File not found: ${file_path}`);
      throw error;
    });
    if (info.isDirectory()) throw new ToolError(`${file_path} is a directory; use list_directory or Glob to see its contents`);
    if (info.size > READ_MAX_BYTES) throw new ToolError(`${file_path} is ${info.size} bytes, over the ${READ_MAX_BYTES}-byte limit of ReadText`);
    const bytes = await readAll(file);
    if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) throw new ToolError(`${file_path} is a binary file, not text`);
    if (bytes.length === 0) return `(${file_path} is empty)`;

    const lines = bytes.toString("utf8").split(/\r?\n/);
    if (lines.at(-1) === "") lines.pop();
    const first = offset ?? 1;
    if (first > lines.length) throw new ToolError(`${file_path} has ${lines.length} lines; offset ${first} is past the end`);
    const window = lines.slice(first - 1, first - 1 + (limit ?? READ_DEFAULT_LINES));
    let output = "";
    let shown = 0;
    for (const [index, line] of window.entries()) {
      const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… [line cut]` : line;
      const numbered = `${String(first + index).padStart(6)}\t${text}\n`;
      if (output.length + numbered.length > MAX_OUTPUT_CHARS) break;
      output += numbered;
      shown++;
    }
    const last = first + shown - 1;
    if (last < lines.length) output += `[lines ${first}-${last} of ${lines.length}; pass offset ${last + 1} to read on]\n`;
    return output.trimEnd();
  },
});

async function readAll(file: string): Promise<Buffer> {
  const handle = await open(file, "r");
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
