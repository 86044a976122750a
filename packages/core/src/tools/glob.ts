/** Glob: file names in the session folder matching a pattern. */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { globFiles } from "./glob-files";
import { agentPath, sessionRoot } from "./paths";
import { defineTool, ToolError } from "./tool";

export const GLOB_MAX_RESULTS = 1_000;

const input = z.strictObject({
  pattern: z.string().min(1).describe('A glob such as "**/*.ts" or "src/*.{js,json}", relative to path'),
  path: z.string().optional().describe("Folder to search in, relative to the session folder (default: the session folder)"),
});

export const globTool = defineTool({
  name: "Glob",
  description:
    "Finds files in the session folder whose paths match a glob pattern (`*`, `**`, `?`, `{a,b}`, `[abc]`). " +
    `Returns their paths relative to the session folder, one a line, sorted by name, at most ${GLOB_MAX_RESULTS}.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "search",
  async execute({ pattern, path: folder }, context) {
    const root = await sessionRoot(context);
    const base = await agentPath(context, folder ?? ".");
    if (!(await stat(base)).isDirectory()) throw new ToolError(`${folder} is not a directory`);
    const { files, truncated } = await globFiles(root, base, pattern, GLOB_MAX_RESULTS, context.signal);
    if (files.length === 0) return `No files match ${pattern}`;
    const list = files.map((file) => file.shown).join("\n");
    return truncated ? `${list}\n[more than ${GLOB_MAX_RESULTS} files match; narrow the pattern]` : list;
  },
});
