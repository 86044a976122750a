/**
 * wait_for_reply: follows the reply to a message sent earlier, from its start, as send_message
 * does: the way to go on after send_message stopped at a timeout or a permission request.
 * A reply whose events have expired from the session's log is read from the stored transcript.
 */
import { notFound, safeString, storedReply } from "@mix/core";
import { ReplyOutput, replyResult, timeoutSecondsInput } from "./reply-result";
import { replyProgress } from "./reply-progress";
import type { RegisterTool } from "./tool-context";
import { guarded } from "./tool-result";

export const registerWaitForReply: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "wait_for_reply",
    {
      title: "Wait for reply",
      description:
        "Waits for the agent's reply to a message sent earlier with send_message (pass the messageId it returned), " +
        "and returns it as send_message does: the whole answer so far, the tool calls, and the status. Use it after " +
        "send_message returned 'timeout', or 'awaiting_permission' once you answered with answer_permission.",
      inputSchema: {
        session_id: safeString().min(1).describe("The session of the message"),
        message_id: safeString().min(1).describe("The messageId returned by send_message"),
        timeout_seconds: timeoutSecondsInput,
      },
      outputSchema: ReplyOutput,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ session_id, message_id, timeout_seconds }, extra) =>
      guarded(async () => {
        await services.sessions.require(principal.workspaceId, session_id);
        // The run's id is its user message's id.
        const run = await services.follow.status(principal.workspaceId, session_id, message_id);
        if (!run) throw notFound("Message");

        const progress = replyProgress(extra);
        let followed = await services.follow.followToEnd({ sessionId: session_id, messageId: message_id, afterEventId: 0 }, progress, {
          timeoutMs: timeout_seconds * 1000,
          signal: extra.signal,
          endIfNotInLog: run.finished,
        });
        await progress.flushed();
        if (followed.outcome.kind === "not_in_log") {
          const messages = await services.messages.list(principal.workspaceId, session_id);
          followed = storedReply(messages, message_id, run);
        }
        return replyResult({ sessionId: session_id, messageId: message_id, timeoutSeconds: timeout_seconds }, followed);
      }),
  );
};
