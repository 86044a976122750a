/**
 * The worker side of notifications: shows what the agent's notify_user tool tells or asks as a
 * `notification` event on the top-level session's stream, and, for a question, waits for the
 * answer from any API instance through the process's AnswerWaiter (the machinery permission
 * requests use too). A notice is stored as well, unlisted and unawaited, so a client may
 * acknowledge it.
 */
import { randomUUID } from "node:crypto";
import type { EventPayload } from "../contracts";
import type { EventLog } from "../events/event-log";
import type { NotificationAnswer, UserNotification, UserNotifier } from "../tools/tool";
import type { AnswerWaiter } from "../user-requests/answer-waiter";
import { PENDING_TTL_MARGIN_MS, type UserRequestOwner } from "../user-requests/user-request-store";
import { notificationAnswer, notificationFields } from "./notification-record";

export interface NotificationGateDeps {
  waiter: AnswerWaiter;
  events: EventLog;
  /** A question's wait when the agent states none, and the longest it may state. */
  defaultTimeoutMs: number;
  maxTimeoutMs: number;
}

/** Who asks: the run's owner fields, and the Task call when a subagent asks (its events are tagged with it). */
export interface NotificationAsker extends UserRequestOwner {
  parentToolCallId?: string;
}

export class NotificationGate {
  constructor(private readonly deps: NotificationGateDeps) {}

  /** The notifier a tool call gets: bound to the run and the call. */
  notifierFor(asker: NotificationAsker): UserNotifier {
    return {
      notify: (notification, signal) => this.notify(asker, notification, signal),
      defaultTimeoutSeconds: Math.round(this.deps.defaultTimeoutMs / 1_000),
      maxTimeoutSeconds: Math.floor(this.deps.maxTimeoutMs / 1_000),
    };
  }

  async notify(asker: NotificationAsker, notification: UserNotification, signal: AbortSignal): Promise<NotificationAnswer | null> {
    signal.throwIfAborted();
    const id = randomUUID();
    const event = notificationEvent(id, asker, notification);
    const { parentToolCallId: _tag, ...owner } = asker;
    const request = { kind: "notification" as const, id, owner, fields: notificationFields(notification), event };
    const timeoutMs = notification.timeoutSeconds * 1_000;
    const show = async () => Number((await this.deps.events.append(asker.streamSessionId, "notification", event)).id);
    if (notification.notificationType !== "question") {
      await this.deps.waiter.store.create({ ...request, listed: false, ttlMs: timeoutMs + PENDING_TTL_MARGIN_MS });
      await show();
      return null;
    }
    const record = await this.deps.waiter.ask({ request: { ...request, listed: true }, show, timeoutMs, signal });
    return notificationAnswer(record);
  }
}

function notificationEvent(id: string, asker: NotificationAsker, notification: UserNotification): EventPayload<"notification"> {
  return {
    type: "notification",
    id,
    sessionId: asker.sessionId,
    notificationType: notification.notificationType,
    title: notification.title,
    message: notification.message,
    responseType: notification.responseType,
    timeout: notification.timeoutSeconds,
    createdAt: Math.floor(Date.now() / 1_000),
    ...(notification.choices ? { choices: notification.choices } : {}),
    ...(notification.defaultValue !== undefined ? { defaultValue: notification.defaultValue } : {}),
    ...(asker.parentToolCallId !== undefined ? { parentToolCallId: asker.parentToolCallId } : {}),
  };
}
