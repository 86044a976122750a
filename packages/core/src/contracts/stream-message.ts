/** `POST /stream/{id}/message` (from the contract's earlier revision): send through the stream pipeline; and the stream tokens of browsers. */
import { z } from "zod";
import { MAX_MESSAGE_TEXT_LENGTH } from "./messages";
import { safeString } from "./text";

export const StreamMessageRequest = z.strictObject({
  content: safeString({ error: (issue) => (issue.input === undefined ? "content is required" : "content must be a string") })
    .refine((text) => text.trim().length > 0, "content must not be empty")
    .refine((text) => text.length <= MAX_MESSAGE_TEXT_LENGTH, `content must be at most ${MAX_MESSAGE_TEXT_LENGTH} characters`),
});
export type StreamMessageRequest = z.infer<typeof StreamMessageRequest>;

export const StreamMessageResponse = z.object({ status: z.literal("broadcasted"), sessionId: z.string() });
export type StreamMessageResponse = z.infer<typeof StreamMessageResponse>;

/** `POST /api/sessions/{id}/stream-token` (beyond the contracts). */
export const StreamTokenResponse = z.object({
  token: z.string().describe("Pass as `token` to GET /stream?sessionId=<this session>; valid until expiresAt"),
  expiresAt: z.string().describe("ISO 8601"),
});
export type StreamTokenResponse = z.infer<typeof StreamTokenResponse>;
