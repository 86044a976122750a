/** list_directory: the entries of one folder in the session folder. */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { RESERVED_NAMES } from "../storage/safe-path";
import { agentPath, sessionRoot, shownPath } from "./paths";
import { defineTool, ToolError } from "./tool";

export const LS_MAX_ENTRIES = 1_000;

const input = z.strictObject({
  path: z.string().optional().describe("Folder to list, relative to the session folder (default: the session folder)"),
});

export const lsTool = defineTool({
  // Not one of the contract's core tool names, so named like the contract's other tool names
  // ({server}_{tool}): clients that validate every answer against the contract accept it.
  name: "list_directory",
  description:
    "Lists a folder in the session folder: one entry a line, folders ending in `/`, files with their size in bytes. " +
    `At most ${LS_MAX_ENTRIES} entries; use Glob to find files at any depth.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "files",
  async execute({ path: folder }, context) {
    const root = await sessionRoot(context);
    const dir = await agentPath(context, folder ?? ".");
    if (!(await stat(dir)).isDirectory()) throw new ToolError(`${folder} is not a directory`);
    const entries = (await readdir(dir, { withFileTypes: true }))
      .filter((entry) => !(dir === root && RESERVED_NAMES.has(entry.name)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const lines: string[] = [];
    for (const entry of entries.slice(0, LS_MAX_ENTRIES)) {
      if (entry.isDirectory()) lines.push(`${entry.name}/`);
      else if (entry.isSymbolicLink()) lines.push(`${entry.name} -> (link)`);
      else lines.push(`${entry.name} (${(await stat(path.join(dir, entry.name))).size} bytes)`);
    }
    if (entries.length > LS_MAX_ENTRIES) lines.push(`[${entries.length - LS_MAX_ENTRIES} more entries not shown]`);
    const heading = `${shownPath(root, dir)}:`;
    return lines.length === 0 ? `${heading} (empty)` : `${heading}\n${lines.join("\n")}`;
  },
});
