/** Fork, rewind and export of a session, and the message history across sessions. */
import { z } from "zod";
import { MAX_TITLE_LENGTH, SessionTotals } from "./sessions";
import { safeString } from "./text";

export const DEFAULT_FORK_TITLE = "Forked Session";

export const ForkSessionRequest = z.strictObject({
  messageIndex: z
    .number({ error: (issue) => (issue.input === undefined ? "messageIndex is required" : "messageIndex must be an integer") })
    .int("messageIndex must be an integer")
    .min(0, "messageIndex must be >= 0"),
  title: safeString({ error: "title must be a string" })
    .trim()
    .min(1, "title must not be empty")
    .max(MAX_TITLE_LENGTH, `title must be at most ${MAX_TITLE_LENGTH} characters`)
    .optional(),
});
export type ForkSessionRequest = z.infer<typeof ForkSessionRequest>;

export const RewindSessionRequest = z.strictObject({
  messageId: safeString({ error: (issue) => (issue.input === undefined ? "messageId is required" : "messageId must be a string") }).min(
    1,
    "messageId is required",
  ),
  cleanupMedia: z.boolean({ error: "cleanupMedia must be a boolean" }).default(true),
});
export type RewindSessionRequest = z.infer<typeof RewindSessionRequest>;

export const ExportToolCall = z.object({
  id: z.string(),
  name: z.string(),
  /** The input as the model wrote it (a JSON string). */
  input: z.string(),
  /** The input parsed, when it is a JSON object. */
  inputJson: z.record(z.string(), z.unknown()).optional(),
  type: z.string(),
  finished: z.boolean(),
  result: z.string().optional(),
  isError: z.boolean().optional(),
});
export type ExportToolCall = z.infer<typeof ExportToolCall>;

export const ExportMessage = z.object({
  id: z.string(),
  role: z.enum(["user", "assistant", "tool"]),
  content: z.string(),
  reasoning: z.string().optional(),
  /** Milliseconds. */
  reasoningDuration: z.number().int().optional(),
  toolCalls: z.array(ExportToolCall).optional(),
  /** Not in the contract's schema: results of the session's callbacks, as in BackendMessage. */
  callbackResults: z.array(z.record(z.string(), z.unknown())).optional(),
  model: z.string().optional(),
  finishReason: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExportMessage = z.infer<typeof ExportMessage>;

export const ExportSession = z.object({
  id: z.string(),
  title: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  messages: z.array(ExportMessage),
  ...SessionTotals.shape,
});
export type ExportSession = z.infer<typeof ExportSession>;

export const MAX_HISTORY_LIMIT = 1_000;
export const DEFAULT_HISTORY_LIMIT = 50;
/** Bounded so the value fits the database's integer offset. */
const MAX_HISTORY_OFFSET = 2_147_483_647;

/** Query strings arrive as text: an optional sign and digits, nothing else. */
const integerText = (pattern: RegExp, message: string) => safeString({ error: message }).regex(pattern, message).transform(Number);

export const MessageHistoryQuery = z.object({
  // Out-of-range limits are clamped rather than refused, as the contract's clients expect.
  limit: integerText(/^-?\d{1,16}$/, "limit must be an integer")
    .optional()
    .transform((limit) => Math.min(MAX_HISTORY_LIMIT, Math.max(1, limit ?? DEFAULT_HISTORY_LIMIT))),
  offset: integerText(/^\d{1,16}$/, "offset must be a non-negative integer")
    .refine((offset) => offset <= MAX_HISTORY_OFFSET, `offset must be at most ${MAX_HISTORY_OFFSET}`)
    .optional()
    .transform((offset) => offset ?? 0),
});
export type MessageHistoryQuery = z.infer<typeof MessageHistoryQuery>;
