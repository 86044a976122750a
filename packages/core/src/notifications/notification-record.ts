/**
 * A notification as the request store keeps it (user-requests/): the fields it adds to a
 * request, and the answer written when it settles. Shared by the gate that asks and the
 * service that takes the answer, so both read the same record.
 */
import { NOTIFICATION_TYPES, RESPONSE_TYPES, type NotificationResponseType, type NotificationType } from "../contracts";
import type { NotificationAnswer, UserNotification } from "../tools/tool";
import { requestOwner, type UserRequestOwner, type UserRequestRecord } from "../user-requests/user-request-store";

/** "answered" by a client; "timeout" and "cancelled" as every request ends unanswered. */
export type NotificationStatus = "pending" | "answered" | "timeout" | "cancelled";

export interface NotificationRecord extends UserRequestOwner {
  id: string;
  status: NotificationStatus;
  notificationType: NotificationType;
  responseType: NotificationResponseType;
  choices: string[];
  answer?: { type: NotificationResponseType; value?: string };
}

export function notificationFields(notification: UserNotification): Record<string, string> {
  return {
    notificationType: notification.notificationType,
    responseType: notification.responseType,
    ...(notification.choices ? { choices: JSON.stringify(notification.choices) } : {}),
  };
}

/** The fields an answer settles the request with. */
export function answerFields(answer: { type: NotificationResponseType; value?: string }): Record<string, string> {
  return { answerType: answer.type, ...(answer.value !== undefined ? { answerValue: answer.value } : {}) };
}

export function toNotification(record: UserRequestRecord | null): NotificationRecord | null {
  if (!record || record.kind !== "notification") return null;
  const { notificationType, responseType, choices, answerType, answerValue } = record.fields;
  if (!isOneOf(NOTIFICATION_TYPES, notificationType) || !isOneOf(RESPONSE_TYPES, responseType)) return null;
  return {
    id: record.id,
    ...requestOwner(record),
    status: record.status as NotificationStatus,
    notificationType,
    responseType,
    choices: parseChoices(choices),
    ...(isOneOf(RESPONSE_TYPES, answerType) ? { answer: { type: answerType, ...(answerValue !== undefined ? { value: answerValue } : {}) } } : {}),
  };
}

/** What the waiting tool learns from the settled record. */
export function notificationAnswer(record: UserRequestRecord): NotificationAnswer {
  const notification = toNotification(record);
  if (notification?.status === "answered" && notification.answer) return { answered: true, ...notification.answer };
  return { answered: false };
}

function isOneOf<T extends string>(values: readonly T[], value: string | undefined): value is T {
  return value !== undefined && (values as readonly string[]).includes(value);
}

function parseChoices(raw: string | undefined): string[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter((choice): choice is string => typeof choice === "string") : [];
  } catch {
    return []; // written by notificationFields as JSON
  }
}
