/** Requests and responses of the messages resource. */
import { z } from "zod";
import { safeString } from "./text";

export const ThinkingLevel = z.enum(["off", "basic", "medium", "maximum"]);
export type ThinkingLevel = z.infer<typeof ThinkingLevel>;

/** Longest message text accepted, in characters (a larger body is refused before parsing). */
export const MAX_MESSAGE_TEXT_LENGTH = 200_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** Largest `max_steps` a message may ask for (AGENT_MAX_STEPS has the same bound). */
export const MAX_STEPS_LIMIT = 1_000;
const MAX_STEPS_MESSAGE = `max_steps must be an integer from 1 to ${MAX_STEPS_LIMIT}`;

export const SendMessageRequest = z.strictObject({
  text: safeString({ error: (issue) => (issue.input === undefined ? "text is required" : "text must be a string") })
    .refine((text) => text.trim().length > 0, "text must not be empty")
    .refine((text) => text.length <= MAX_MESSAGE_TEXT_LENGTH, `text must be at most ${MAX_MESSAGE_TEXT_LENGTH} characters`),
  plan_mode: z.boolean().default(false),
  thinking_level: ThinkingLevel.nullable().optional(),
  // Mix v0.11.4 (the seeds' contract has none), optional: most model calls of this run (each
  // may end in tool calls); without it AGENT_MAX_STEPS applies.
  max_steps: z.number({ error: MAX_STEPS_MESSAGE }).int(MAX_STEPS_MESSAGE).min(1, MAX_STEPS_MESSAGE).max(MAX_STEPS_LIMIT, MAX_STEPS_MESSAGE).optional(),
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
