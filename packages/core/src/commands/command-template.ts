/**
 * Turns `/name args` into the command's prompt. `$ARGUMENTS` is the text after the name;
 * `$1`, `$2`… are its whitespace-separated words (empty when absent). Substitution is one pass,
 * so placeholders inside the user's own text are left as typed.
 */

export interface CommandInvocation {
  name: string;
  args: string;
}

/** `{ name, args }` when the text is `/name` or `/name <args>` with a well-formed name, else null. */
export function parseInvocation(text: string): CommandInvocation | null {
  const match = /^\/([a-z0-9_-]{1,64})(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) return null;
  return { name: match[1]!, args: (match[2] ?? "").trim() };
}

/**
 * Fills the template. `extra` names further placeholders (built-ins only). A template with no
 * argument placeholder gets the arguments appended, so text typed after the name is never lost.
 */
export function expandTemplate(template: string, args: string, extra: Record<string, string> = {}): string {
  const words = args.split(/\s+/).filter((word) => word !== "");
  const names = ["ARGUMENTS", ...Object.keys(extra)].join("|");
  let usedArguments = false;
  const expanded = template.replace(new RegExp(`\\$(${names}|[1-9][0-9]*)`, "g"), (_, key: string) => {
    if (Object.hasOwn(extra, key)) return extra[key]!;
    usedArguments = true;
    return key === "ARGUMENTS" ? args : (words[Number(key) - 1] ?? "");
  });
  return usedArguments || args === "" ? expanded.trim() : `${expanded.trim()}\n\n${args}`;
}
