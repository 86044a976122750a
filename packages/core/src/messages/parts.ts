/** The JSON stored in `Part.data`, one shape per part type. */
export type PartData =
  | { type: "text"; text: string }
  | { type: "reasoning"; text: string; durationMs?: number }
  | { type: "tool_call"; toolCallId: string; name: string; input: string }
  | { type: "tool_result"; toolCallId: string; result: string; isError: boolean }
  | { type: "callback_result"; result: { [key: string]: string | number | boolean | null } }
  | { type: "error"; message: string; code?: string };
