/** Grep: lines matching a regular expression in the session folder's files. */
import { readFile, stat } from "node:fs/promises";
import { z } from "zod";
import { globFiles } from "./glob-files";
import { agentPath, capText, sessionRoot, shownPath } from "./paths";
import { defineTool, ToolError } from "./tool";

export const GREP_MAX_MATCHES = 500;
const GREP_MAX_FILES = 5_000;
const GREP_MAX_FILE_BYTES = 2 * 1024 * 1024;
const MAX_LINE_CHARS = 300;
const MAX_OUTPUT_CHARS = 30_000;

const input = z.strictObject({
  pattern: z.string().min(1).describe('A JavaScript regular expression, e.g. "function\\s+\\w+"'),
  path: z.string().optional().describe("File or folder to search, relative to the session folder (default: the session folder)"),
  glob: z.string().optional().describe('Only search files matching this glob, relative to path, e.g. "**/*.ts" (default "**/*")'),
  ignore_case: z.boolean().default(false).describe("Match case-insensitively"),
});

export const grepTool = defineTool({
  name: "Grep",
  description:
    "Searches text files in the session folder for lines matching a JavaScript regular expression and returns them " +
    `as \`path:line: text\`, at most ${GREP_MAX_MATCHES} lines. Narrow the files with path and glob. ` +
    `Binary files and files over ${GREP_MAX_FILE_BYTES / 1024 / 1024} MB are skipped.`,
  inputSchema: input,
  readOnly: true,
  requiresPermission: false,
  category: "search",
  async execute({ pattern, path: target, glob, ignore_case }, context) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, ignore_case ? "i" : "");
    } catch (error) {
      throw new ToolError(`Invalid regular expression: ${(error as Error).message}`);
    }
    const root = await sessionRoot(context);
    const base = await agentPath(context, target ?? ".");
    const info = await stat(base);
    const candidates = info.isDirectory()
      ? (await globFiles(root, base, glob ?? "**/*", GREP_MAX_FILES, context.signal)).files.map((file) => file.absolute)
      : [base];

    const lines: string[] = [];
    for (const file of candidates) {
      context.signal.throwIfAborted();
      if ((await stat(file)).size > GREP_MAX_FILE_BYTES) continue;
      const bytes = await readFile(file);
      if (bytes.subarray(0, 8_000).includes(0)) continue;
      for (const [index, line] of bytes.toString("utf8").split(/\r?\n/).entries()) {
        if (!regex.test(line)) continue;
        const text = line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}…` : line;
        lines.push(`${shownPath(root, file)}:${index + 1}: ${text}`);
        if (lines.length >= GREP_MAX_MATCHES) {
          lines.push(`[stopped at ${GREP_MAX_MATCHES} matches; narrow the pattern, path or glob]`);
          return capText(lines.join("\n"), MAX_OUTPUT_CHARS);
        }
      }
    }
    return lines.length === 0 ? `No matches for /${pattern}/` : capText(lines.join("\n"), MAX_OUTPUT_CHARS);
  },
});
