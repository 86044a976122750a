/**
 * Session titles made from the first message, for sessions whose title was left generic
 * ("New Session", "Untitled"...): short, one line, without the command or directive noise a
 * message may open with.
 */

export const TITLE_MAX_LENGTH = 60;
export const FALLBACK_TITLE = "Untitled";

/** Titles clients give a session before the user has said anything (compared lower-cased, spaces collapsed). */
const GENERIC_TITLES = new Set([
  "",
  "new",
  "session",
  "new session",
  "untitled session",
  "chat",
  "new chat",
  "untitled chat",
  "conversation",
  "new conversation",
  "thread",
  "new thread",
  "untitled",
  "untitled document",
]);

/** Whether `title` says nothing about the session, also numbered ("New Session 3", "Untitled (2)", "Chat #4"). */
export function isGenericTitle(title: string): boolean {
  const normalized = title
    .toLowerCase()
    .replace(/\s+/g, " ")
    .trim()
    .replace(/[.…]+$/, "")
    // A number after the words ("New Session 3"), not a title that is only a number.
    .replace(/(\S)\s*(?:#?\d+|\(\d+\))$/, "$1")
    .trim();
  return GENERIC_TITLES.has(normalized);
}

/** A line that only points the agent at a tool, file or agent ("@bash", "@docs/api.md"): no topic in it. */
const DIRECTIVE_LINE = /^@[\w./:-]+(?:\s|$)/;
/** A slash command opening the message ("/review src/auth.ts"): its arguments say what it is about. */
const SLASH_COMMAND = /^\/([\w:-]+)(?:\s+|$)/;
/** Markdown that opens a line: headings, quotes, bullets, numbered items. */
const LINE_MARKUP = /^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d{1,3}[.)]\s+)+/;
/** A line with no letter or digit (a code fence, a rule, an emoji line). */
const NOTHING_TO_SAY = /^[^\p{L}\p{N}]*$/u;

/**
 * A short title for a session from its first message: the first meaningful line, its first
 * sentence when that is long enough to stand alone, at most TITLE_MAX_LENGTH characters cut at a
 * word boundary with an ellipsis. Never empty: "Untitled" when nothing meaningful is left.
 */
export function titleFromMessage(text: string): string {
  let commandName: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (DIRECTIVE_LINE.test(line)) continue;
    if (commandName === undefined) {
      const command = SLASH_COMMAND.exec(line);
      if (command) {
        commandName = command[1]!;
        line = line.slice(command[0].length);
      }
    }
    line = cleanLine(line);
    if (!NOTHING_TO_SAY.test(line)) return shorten(firstSentence(line));
  }
  // A bare command ("/compact") still says what the session is for.
  return commandName ?? FALLBACK_TITLE;
}

function cleanLine(line: string): string {
  return line
    .replace(LINE_MARKUP, "")
    .replace(/\*\*|__|`/g, "")
    .replace(/\s+/g, " ")
    .trim();
}

/** The first sentence if it says enough on its own ("Fix the login bug. It fails when..."). */
function firstSentence(line: string): string {
  const end = /[.!?](?=\s+\S)/.exec(line);
  if (!end) return line;
  const sentence = line.slice(0, end.index + 1);
  return sentence.length >= 12 ? sentence : line;
}

function shorten(line: string): string {
  // A closing period or colon adds nothing to a title; a question mark does.
  const trimmed = line.replace(/[\s.,;:]+$/, "");
  if (trimmed.length <= TITLE_MAX_LENGTH) return trimmed || FALLBACK_TITLE;
  // Never split a surrogate pair (an emoji) in two.
  const room = trimmed.slice(0, TITLE_MAX_LENGTH - 1).replace(/[\uD800-\uDBFF]$/, "");
  const lastSpace = room.lastIndexOf(" ");
  // Cut at a word boundary unless that would throw away most of the room (one very long word).
  const cut = lastSpace >= TITLE_MAX_LENGTH / 2 ? room.slice(0, lastSpace) : room;
  return `${cut.replace(/[\s.,;:!?-]+$/, "")}…`;
}
