/** Edit: replaces an exact string in a file, once (it must be unique) or everywhere. */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "../storage/atomic-write";
import { agentPath, sessionRoot } from "./paths";
import { READ_MAX_BYTES } from "./read-text";
import { defineTool, ToolError } from "./tool";

const input = z.strictObject({
  file_path: z.string().min(1).describe("Path of the file, relative to the session folder (or absolute inside it)"),
  old_string: z.string().min(1).describe("The exact text to replace, whitespace and indentation included"),
  new_string: z.string().describe("The text to put in its place"),
  replace_all: z.boolean().default(false).describe("Replace every occurrence; otherwise old_string must occur exactly once"),
});

export const editTool = defineTool({
  name: "Edit",
  description:
    "Replaces old_string with new_string in an existing text file. old_string must match the file exactly " +
    "(whitespace included) and occur exactly once, unless replace_all is true. Include surrounding lines to make it unique. " +
    "Read the file with ReadText first (without the line-number prefixes).",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "files",
  async execute({ file_path, old_string, new_string, replace_all }, context) {
    if (old_string === new_string) throw new ToolError("old_string and new_string are the same; nothing to change");
    const file = await agentPath(context, file_path);
    const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw new ToolError(`File not found: ${file_path}; use Write to create it`);
      throw error;
    });
    if (bytes.length > READ_MAX_BYTES) throw new ToolError(`${file_path} is over the ${READ_MAX_BYTES}-byte limit of Edit`);
    const text = bytes.toString("utf8");
    // split/join, not String.replace: `$&` and `$1` in new_string must stay literal.
    const pieces = text.split(old_string);
    const count = pieces.length - 1;
    if (count === 0) throw new ToolError(`old_string was not found in ${file_path}; check whitespace and read the file again`);
    if (count > 1 && !replace_all) {
      throw new ToolError(`old_string occurs ${count} times in ${file_path}; add surrounding context to make it unique, or set replace_all`);
    }
    // Renamed over the old file, never written through a link (see Write).
    await writeFileAtomic(await sessionRoot(context), file, pieces.join(new_string), { owner: context.sandbox.fileOwner });
    return `Edited ${file_path}: ${count} replacement${count === 1 ? "" : "s"}`;
  },
});
