/**
 * Reads a custom command file: optional front matter between `---` lines (`key: value` lines,
 * values plain or quoted), then the prompt template. A deliberately small subset of YAML: the
 * three keys we read are single-line strings, and a parser this size needs no dependency.
 */

export interface ParsedCommandFile {
  description?: string;
  argumentHint?: string;
  template: string;
}

/** A file that cannot be read as a command; the registry logs it and skips the file. */
export class CommandFileError extends Error {
  override name = "CommandFileError";
}

const NAME = /^[a-z0-9_-]{1,64}$/;

export function isValidCommandName(name: string): boolean {
  return NAME.test(name);
}

export function parseCommandFile(source: string): ParsedCommandFile {
  const lines = source
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .split("\n");
  if (lines[0]?.trimEnd() !== "---") return { template: lines.join("\n").trim() };
  const end = lines.findIndex((line, index) => index > 0 && line.trimEnd() === "---");
  if (end === -1) throw new CommandFileError("front matter opened with --- is never closed");
  const fields = parseFields(lines.slice(1, end));
  return {
    description: fields.get("description") || undefined,
    argumentHint: fields.get("argument-hint") || fields.get("arguments") || undefined,
    template: lines
      .slice(end + 1)
      .join("\n")
      .trim(),
  };
}

function parseFields(lines: string[]): Map<string, string> {
  const fields = new Map<string, string>();
  lines.forEach((line, index) => {
    // Blank lines, comments, and indented lines (list items or continuations of keys we do
    // not read, such as `allowed-tools`) carry nothing for us.
    if (line.trim() === "" || line.trimStart().startsWith("#") || /^\s/.test(line)) return;
    const match = /^([A-Za-z0-9_-]+)\s*:(.*)$/.exec(line);
    if (!match) throw new CommandFileError(`front matter line ${index + 2} is not "key: value"`);
    fields.set(match[1]!.toLowerCase(), unquote(match[2]!.trim(), index + 2));
  });
  return fields;
}

function unquote(value: string, lineNumber: number): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    try {
      return JSON.parse(value) as string; // YAML's double-quoted escapes are JSON's, for our purposes
    } catch (error) {
      throw new CommandFileError(`front matter line ${lineNumber}: bad double-quoted value (${(error as Error).message})`);
    }
  }
  if (value.length >= 2 && value.startsWith("'") && value.endsWith("'")) return value.slice(1, -1).replaceAll("''", "'");
  return value;
}
