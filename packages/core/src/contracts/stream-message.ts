/** `POST /stream/{id}/message` (from the contract's earlier revision): send through the stream pipeline. */
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
