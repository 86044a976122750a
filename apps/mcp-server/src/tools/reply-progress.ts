/**
 * MCP progress notifications for a followed reply: one per text delta (its text as the message,
 * so the deltas together spell the answer), one per tool start and end, and one for a
 * permission request or a question. A step that is abandoned after its text went out (its worker was lost,
 * or the model call is retried) gets one too: that step's text so far is void, and the result's
 * answer leaves it out. Sent only when the caller asked for progress (a progressToken).
 */
import type { FollowHandlers, RunProgress } from "@mix/core";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";

/** The follower's handlers of text and progress, each turned into a notification. */
export interface ReplyProgress extends Required<Pick<FollowHandlers, "text" | "progress">> {
  /** Resolves once every notification was sent (or the client went away). */
  flushed(): Promise<void>;
}

export function replyProgress(extra: RequestHandlerExtra<ServerRequest, ServerNotification>): ReplyProgress {
  const progressToken = extra._meta?.progressToken;
  let progress = 0;
  let notifications = Promise.resolve();
  let clientGone = false;
  const notify = (message: string) => {
    if (progressToken === undefined || clientGone) return;
    const params = { progressToken, progress: ++progress, message };
    // Chained so they arrive in order.
    notifications = notifications
      .then(() => extra.sendNotification({ method: "notifications/progress", params }))
      .catch(() => {
        // A client that went away only loses its progress; the reply is still followed and stored.
        clientGone = true;
      });
  };
  return {
    text: notify,
    progress: (step) => notify(progressMessage(step)),
    flushed: () => notifications,
  };
}

function progressMessage(step: RunProgress): string {
  switch (step.kind) {
    case "tool_started":
      return `[tool ${step.call.name} started]`;
    case "tool_finished":
      return `[tool ${step.call.name} ${step.call.status}]`;
    case "permission":
      return `[waiting for permission ${step.permission.permissionId}: ${step.permission.description}]`;
    case "question":
      return `[waiting for an answer to question ${step.question.notificationId}: ${step.question.title}]`;
    case "restarted":
      return `[step restarted, its text so far is dropped: ${step.error}]`;
  }
}
