/**
 * The stored mark of a compaction: an assistant message with one `compact` tool call, whose input
 * says what the summary stands for and whose result is the summary. So GET messages and the export
 * show where and how a session was compacted, as a call like any other, and the stored
 * transcript keeps every message. The model is never offered a `compact` tool; the call id's
 * prefix tells a marker from a model's call of a tool that happens to share the name.
 */
export const COMPACT_TOOL_NAME = "compact";
export const MARKER_ID_PREFIX = "compaction_";

export interface CompactionMarkerInput {
  reason: "auto" | "overflow" | "command";
  /** The stored message the kept part starts with; null: only messages after the marker are kept. */
  keptFrom: string | null;
  /** Messages (model history entries) the summary stands for. */
  summarizedMessages: number;
  /** Estimated input tokens of the conversation before and after. */
  tokensBefore: number;
  tokensAfter: number;
}

export const markerCallId = (id: string): string => `${MARKER_ID_PREFIX}${id}`;

export const isMarkerCall = (call: { toolCallId: string; name: string }): boolean =>
  call.name === COMPACT_TOOL_NAME && call.toolCallId.startsWith(MARKER_ID_PREFIX);

/** The marker's input, or null when it is not one this version wrote. */
export function parseMarkerInput(input: string): CompactionMarkerInput | null {
  try {
    const value = JSON.parse(input) as Partial<CompactionMarkerInput>;
    if (value.keptFrom !== null && typeof value.keptFrom !== "string") return null;
    return value as CompactionMarkerInput;
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
}

/** `/compact [what to focus on]`, as the message is stored (the built-in command keeps its text). */
const COMPACT_COMMAND = /^\s*\/compact(?:\s+([\s\S]*))?$/;

/** The instructions of a `/compact` message ("" for none), or null for any other text. */
export function compactCommandOf(text: string): string | null {
  const match = COMPACT_COMMAND.exec(text);
  return match ? (match[1] ?? "").trim() : null;
}

/**
 * A part copied into a forked session: a marker's `keptFrom` names a message of the source, so
 * it is pointed at that message's copy (or dropped to "after the marker" when the copy is missing).
 */
export function remapMarkerPart<T>(data: T, copiedIds: ReadonlyMap<string, string>): T {
  const part = data as { type?: string; toolCallId?: string; name?: string; input?: string };
  if (part.type !== "tool_call" || !part.toolCallId || !part.name || typeof part.input !== "string") return data;
  if (!isMarkerCall({ toolCallId: part.toolCallId, name: part.name })) return data;
  const input = parseMarkerInput(part.input);
  if (!input || input.keptFrom === null) return data;
  return { ...data, input: JSON.stringify({ ...input, keptFrom: copiedIds.get(input.keptFrom) ?? null }) };
}
