/**
 * Answers to notifications, for every transport (the REST route, the MCP answer tool), and the
 * list of what a session waits on. An answer settles the request in Redis and tells the waiting
 * run, on whichever worker it runs (user-requests/).
 *
 * Answer rules (the v0.11.4 contract's): 204 once taken; 404 for an unknown, expired or another
 * workspace's id, and for one already answered, timed out or cancelled (the contract says "not
 * found or already responded", so a retry after a lost 204 is a 404 too); 400 for an answer of
 * another type than the notification asks, or a choice not among its choices.
 */
import type { RedisClient } from "../redis/connection";
import { argumentsDigest } from "../audit/arguments-digest";
import { SYSTEM_ACTOR, type Actor, type AuditWriter } from "../audit/audit-entry";
import type { PendingRequestsResponse, RespondToNotificationRequest } from "../contracts";
import { AppError, notFound, validationError } from "../errors/app-error";
import type { RedisKeys } from "../redis/keys";
import { UserRequestStore } from "../user-requests/user-request-store";
import { answerFields, toNotification, type NotificationRecord } from "./notification-record";

export interface NotificationsServiceDeps {
  redis: RedisClient;
  keys: RedisKeys;
  /** Records each answer (who, which notification; the answer's digest, never its text). */
  audit?: AuditWriter;
}

export class NotificationsService {
  private readonly store: UserRequestStore;

  constructor(private readonly deps: NotificationsServiceDeps) {
    this.store = new UserRequestStore(deps.redis, deps.keys);
  }

  async respond(workspaceId: string, notificationId: string, response: RespondToNotificationRequest, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const notification = toNotification(await this.store.get("notification", notificationId));
    // Another workspace's notification is reported exactly like a missing one: ids reveal nothing.
    if (!notification || notification.workspaceId !== workspaceId) throw notFound(`Notification ${notificationId}`);
    if (notification.status !== "pending") throw gone(`Notification ${notificationId} ${alreadySettled(notification)}`);
    const answer = checkedAnswer(notification, response);
    const ref = { kind: "notification" as const, id: notificationId, streamSessionId: notification.streamSessionId };
    const { settled } = await this.store.settle(ref, "answered", answerFields(answer));
    // Another answer, the timeout or a cancel won the race since the read above.
    if (!settled) throw gone(`Notification ${notificationId} was answered meanwhile`);
    try {
      await this.deps.audit?.record({
        workspaceId,
        actor,
        action: "notification.answered",
        target: { type: "session", id: notification.sessionId },
        details: {
          notificationId,
          runId: notification.runId,
          toolCallId: notification.toolCallId,
          notificationType: notification.notificationType,
          responseType: answer.type,
          ...(answer.value !== undefined ? { answerDigest: argumentsDigest(answer.value) } : {}),
        },
      });
    } finally {
      // The answer stands even if recording failed: the run should not wait for it.
      await this.store.publishAnswer({ id: notificationId, status: "answered" });
    }
  }

  /**
   * What the top-level session `sessionId` waits on (`shownUpTo`: only what an event of that id
   * or before showed); the caller has checked the session is the workspace's.
   */
  async pending(workspaceId: string, sessionId: string, shownUpTo?: number): Promise<PendingRequestsResponse> {
    const result: PendingRequestsResponse = { permissions: [], notifications: [] };
    for (const record of await this.store.pending(sessionId, shownUpTo)) {
      if (record.workspaceId !== workspaceId || !record.event || typeof record.event !== "object") continue;
      const event = record.event as Record<string, unknown>;
      if (record.kind === "permission") result.permissions.push(event);
      else result.notifications.push(event);
    }
    return result;
  }
}

function checkedAnswer(
  notification: NotificationRecord,
  response: RespondToNotificationRequest,
): { type: RespondToNotificationRequest["type"]; value?: string } {
  const expected = notification.responseType;
  if (response.type !== expected) throw validationError(`This notification takes a '${expected}' response, not '${response.type}'`);
  if (expected === "acknowledge") return { type: expected };
  if (response.value === undefined || response.value.trim() === "") throw validationError(`value is required for a '${expected}' response`);
  if (expected === "choice" && !notification.choices.includes(response.value)) {
    throw validationError(`value must be one of the choices: ${notification.choices.map((choice) => JSON.stringify(choice)).join(", ")}`);
  }
  return { type: expected, value: response.value };
}

/** A 404 that says why: the id was real, but nothing waits for its answer any more. */
const gone = (message: string) => new AppError(404, "not_found", message);

function alreadySettled(notification: NotificationRecord): string {
  switch (notification.status) {
    case "answered":
      return "was already answered";
    case "timeout":
      return "was not answered in time";
    default:
      return "can no longer be answered (its run was cancelled)";
  }
}
