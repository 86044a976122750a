/** Write: creates or replaces a file in the session folder. */
import { lstat } from "node:fs/promises";
import { z } from "zod";
import { writeFileAtomic } from "../storage/atomic-write";
import { agentPath, sessionRoot } from "./paths";
import { defineTool, ToolError } from "./tool";

export const WRITE_MAX_CHARS = 10 * 1024 * 1024;

const input = z.strictObject({
  file_path: z.string().min(1).describe("Path of the file, relative to the session folder (or absolute inside it)"),
  content: z.string().max(WRITE_MAX_CHARS).describe("The complete new content of the file"),
});

export const writeTool = defineTool({
  name: "Write",
  description:
    "Writes a UTF-8 text file in the session folder, creating missing parent folders and replacing the file if it exists. " +
    "Pass the complete content. To change part of an existing file, prefer Edit.",
  inputSchema: input,
  readOnly: false,
  requiresPermission: true,
  category: "files",
  async execute({ file_path, content }, context) {
    const file = await agentPath(context, file_path);
    const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") return null;
      throw error;
    });
    if (existing?.isDirectory()) throw new ToolError(`${file_path} is a directory`);
    // A new file renamed over the old one: a link the agent planted there is replaced, not written through.
    await writeFileAtomic(await sessionRoot(context), file, content, { owner: context.sandbox.fileOwner });
    const bytes = Buffer.byteLength(content);
    return `${existing ? "Replaced" : "Created"} ${file_path} (${bytes} bytes)`;
  },
});
