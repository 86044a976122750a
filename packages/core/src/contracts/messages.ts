/** Requests and responses of the messages resource. */
import { z } from "zod";

export const ThinkingLevel = z.enum(["off", "basic", "medium", "maximum"]);
export type ThinkingLevel = z.infer<typeof ThinkingLevel>;

/** Longest message text accepted, in characters (a larger body is refused before parsing). */
export const MAX_MESSAGE_TEXT_LENGTH = 200_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

export const SendMessageRequest = z.strictObject({
  text: z
    .string({ error: (issue) => (issue.input === undefined ? "text is required" : "text must be a string") })
    .refine((text) => text.trim().length > 0, "text must not be empty")
    .refine((text) => text.length <= MAX_MESSAGE_TEXT_LENGTH, `text must be at most ${MAX_MESSAGE_TEXT_LENGTH} characters`),
  plan_mode: z.boolean().default(false),
  thinking_level: ThinkingLevel.nullable().optional(),
});
export type SendMessageRequest = z.infer<typeof SendMessageRequest>;

export const SendMessageAccepted = z.object({
  status: z.literal("processing"),
  sessionId: z.string(),
});
export type SendMessageAccepted = z.infer<typeof SendMessageAccepted>;

export const ToolCallData = z.object({
  id: z.string(),
  name: z.string(),
  input: z.string(),
  type: z.string(),
  finished: z.boolean(),
  result: z.string().optional(),
  isError: z.boolean().optional(),
});
export type ToolCallData = z.infer<typeof ToolCallData>;

export const BackendMessage = z.object({
  id: z.string(),
  sessionId: z.string(),
  role: z.enum(["user", "assistant", "tool"]),
  userInput: z.string(),
  assistantResponse: z.string().optional(),
  reasoning: z.string().optional(),
  reasoningDuration: z.number().int().optional(),
  toolCalls: z.array(ToolCallData).optional(),
  callbackResults: z.array(z.record(z.string(), z.unknown())).optional(),
});
export type BackendMessage = z.infer<typeof BackendMessage>;
