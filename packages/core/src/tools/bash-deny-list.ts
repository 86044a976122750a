/**
 * Commands the Bash tool refuses. Every segment of a command line is checked (split on `;`, `&&`,
 * `||`, `|`, `&`, newlines, `$(...)`, backticks and parentheses, quotes removed, and scripts given to
 * `sh -c` or `eval` checked too), so a dangerous command cannot hide behind a harmless one.
 * A guard against accidents, not a sandbox.
 */

interface Rule {
  name: string;
  /** Tested on each segment with its leading assignments and wrappers (env, nohup...) removed. */
  segment?: RegExp;
  /** Tested on the whole command line, for rules that span segments. */
  whole?: RegExp;
}

const ROOT_TARGET = String.raw`(\/|\/\*|\/\.\.?|~\/?\*?|\$\{?HOME\}?\/?\*?)`;

const RULES: Rule[] = [
  { name: "rm -rf of / or the home folder", segment: new RegExp(String.raw`^rm\s+(.*\s)?(-[a-zA-Z]*[rR][a-zA-Z]*|--recursive)\s+(.*\s)?${ROOT_TARGET}(\s|$)`) },
  { name: "rm --no-preserve-root", segment: /^rm\s.*--no-preserve-root/ },
  { name: "privilege escalation (sudo, su, doas, pkexec)", segment: /^(sudo|su|doas|pkexec)(\s|$)/ },
  { name: "shutdown, reboot, halt or poweroff", segment: /^(shutdown|reboot|halt|poweroff)(\s|$)|^(systemctl|init|telinit)\s+(poweroff|reboot|halt|0|6)\b/ },
  { name: "mkfs (formatting a file system)", segment: /^mkfs(\.\w+)?(\s|$)/ },
  { name: "dd with if= (raw disk copies)", segment: /^dd\s(.*\s)?if=/ },
  { name: "writing to a block device", whole: />\s*\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk)/ },
  { name: "fork bomb", whole: /([A-Za-z_:][\w:]*)\s*\(\s*\)\s*\{[^}]*\1\s*\|\s*\1\s*&/ },
  { name: "piping a download into a shell (curl|wget ... | sh)", whole: /\b(curl|wget)\b[^;\n]*\|\s*(sudo\s+)?(env\s+)?(ba|z|da|k|fi)?sh\b/ },
  { name: "running a download in a shell (sh <(curl ...))", whole: /\b(ba|z|da|k)?sh\s+(-c\s+)?["']?(<\(|\$\()\s*(curl|wget)\b/ },
];

// Words that run the command after them, and shell keywords that precede a command.
const WRAPPERS = new Set([
  "env",
  "command",
  "exec",
  "nohup",
  "time",
  "nice",
  "builtin",
  "xargs",
  "eval",
  "then",
  "do",
  "else",
  "if",
  "while",
  "until",
  "!",
  "{",
]);

/** The rule the command breaks, or null when it may run. */
export function deniedRule(command: string): string | null {
  for (const rule of RULES) {
    if (rule.whole?.test(command)) return rule.name;
  }
  for (const segment of segments(command)) {
    for (const rule of RULES) {
      if (rule.segment?.test(segment)) return rule.name;
    }
  }
  return null;
}

const SEPARATORS = /;|&&|\|\||\||&|\n|\r|\$\(|`|\(|\)/;
// A quoted script handed to another shell: `bash -c "..."`, `sh -lc '...'`, `eval "..."`.
const INNER_SCRIPT = /(?:\b(?:ba|z|da|k)?sh\s+(?:-\w+\s+)*-\w*c|\beval)\s+(["'])([\s\S]*?)\1/g;

/**
 * Each simple command, with quotes removed (so `rm -rf "/"` is seen), plus the commands of
 * scripts passed to a nested shell. Quoted text with separators in it counts as commands too:
 * refusing `echo "a; sudo b"` is the price of never missing `sudo` behind a quote trick.
 */
export function segments(command: string, depth = 0): string[] {
  const found = command.replace(/["']/g, "").split(SEPARATORS).map(commandOf);
  if (depth < 3) for (const match of command.matchAll(INNER_SCRIPT)) found.push(...segments(match[2]!, depth + 1));
  return found.filter((segment) => segment.length > 0);
}

/** The segment from its command word on: assignments and wrappers dropped, `/usr/bin/sudo` and `\sudo` as `sudo`. */
function commandOf(segment: string): string {
  const words = segment.trim().split(/\s+/).filter(Boolean);
  while (words.length > 0 && (/^\w+=/.test(words[0]!) || WRAPPERS.has(words[0]!) || /^-/.test(words[0]!))) words.shift();
  if (words.length === 0) return "";
  words[0] = words[0]!.replace(/^\\/, "").split("/").at(-1)!;
  return words.join(" ");
}
