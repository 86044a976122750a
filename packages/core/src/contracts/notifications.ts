/**
 * Notifications (v0.11.4 contract): what the agent tells or asks the user, the answer
 * `POST /api/notifications/{id}/respond` takes, and the list of what a session waits on.
 */
import { z } from "zod";
import { safeString } from "./text";

export const NOTIFICATION_TYPES = ["info", "warning", "error", "question"] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];
export const RESPONSE_TYPES = ["acknowledge", "text", "choice"] as const;
export type NotificationResponseType = (typeof RESPONSE_TYPES)[number];

/** Bounds of what the agent may show: a notification is a dialog, not a document. */
export const NOTIFICATION_LIMITS = {
  titleChars: 200,
  messageChars: 4_000,
  minChoices: 2,
  maxChoices: 20,
  choiceChars: 200,
  /** A free-text answer: long enough for a paragraph, short enough to go back to the model whole. */
  answerChars: 10_000,
  minTimeoutSeconds: 5,
} as const;

export const RespondToNotificationRequest = z.object({
  type: z.enum(RESPONSE_TYPES, { error: "type must be 'acknowledge', 'text' or 'choice'" }).describe("Response type"),
  value: safeString({ error: "value must be a string" })
    .max(NOTIFICATION_LIMITS.answerChars, `value must be at most ${NOTIFICATION_LIMITS.answerChars} characters`)
    .optional()
    .describe("The user's text, or the choice taken (not used for acknowledge)"),
});
export type RespondToNotificationRequest = z.infer<typeof RespondToNotificationRequest>;

/** `GET /api/sessions/{id}/pending` (beyond the contract): what a session waits on, as its events showed it. */
export const PendingRequestsResponse = z.object({
  permissions: z
    .array(z.record(z.string(), z.unknown()))
    .describe("Permission requests that wait for grant or deny, oldest first, each as its `permission` event's data"),
  notifications: z
    .array(z.record(z.string(), z.unknown()))
    .describe("Questions that wait for an answer, oldest first, each as its `notification` event's data"),
});
export type PendingRequestsResponse = z.infer<typeof PendingRequestsResponse>;
