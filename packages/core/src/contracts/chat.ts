/** Requests and responses of the chat surface: `GET /api/ai/models` and `POST /api/chat`. */
import { z } from "zod";
import { MAX_MESSAGE_TEXT_LENGTH } from "./messages";
import { safeString } from "./text";

export const ModelInfo = z.object({
  id: z.string(),
  name: z.string(),
  task: z.string(),
  requiresPaid: z.boolean(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const ListModelsResponse = z.object({ models: z.array(ModelInfo) });
export type ListModelsResponse = z.infer<typeof ListModelsResponse>;

export const ChatRequest = z.strictObject({
  message: safeString({ error: (issue) => (issue.input === undefined ? "message is required" : "message must be a string") })
    .refine((text) => text.trim().length > 0, "message must not be empty")
    .refine((text) => text.length <= MAX_MESSAGE_TEXT_LENGTH, `message must be at most ${MAX_MESSAGE_TEXT_LENGTH} characters`),
  /** A model id from `GET /api/ai/models`; omitted means automatic selection. */
  model: safeString({ error: "model must be a string" }).optional(),
  /** The session to continue; omitted starts a new one. */
  conversationId: safeString({ error: "conversationId must be a string" }).min(1, "conversationId must not be empty").optional(),
  /**
   * Whether this reply (and the conversation's later ones, until changed) is grounded on the
   * workspace's knowledge sources; omitted leaves the conversation's setting (on by default).
   */
  knowledge: z.boolean({ error: "knowledge must be a boolean" }).optional(),
});
export type ChatRequest = z.infer<typeof ChatRequest>;

/** Response header carrying the conversation (session) id of a chat reply. */
export const CONVERSATION_ID_HEADER = "X-Conversation-Id";
