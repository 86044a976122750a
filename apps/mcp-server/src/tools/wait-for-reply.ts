/**
 * wait_for_reply: follows the reply to a message sent earlier, from its start, as send_message
 * does: the way to go on after send_message stopped at a timeout or a permission request.
 * A reply whose events have expired from the session's log is read from the stored transcript.
 */
import { notFound, safeString, type BackendMessage } from "@mix/core";
import { followRun, type FollowedRun } from "./follow-run";
import type { ToolCallSummary } from "./reply-tracker";
import { ReplyOutput, replyResult, timeoutSecondsInput } from "./reply-result";
import { replyProgress } from "./reply-progress";
import type { RegisterTool } from "./tool-context";
import { guarded } from "./tool-result";

const FINISHED_RUN_STATUSES = new Set(["completed", "failed", "cancelled"]);

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
        const run = await services.prisma.run.findFirst({ where: { id: message_id, sessionId: session_id }, select: { status: true, error: true } });
        if (!run) throw notFound("Message");
        const finished = FINISHED_RUN_STATUSES.has(run.status);

        const progress = replyProgress(extra);
        let followed = await followRun(
          services,
          { sessionId: session_id, messageId: message_id, afterEventId: 0 },
          { timeoutMs: timeout_seconds * 1000, signal: extra.signal, onStep: progress.onStep, endIfNotInLog: finished },
        );
        await progress.flushed();
        if (followed.outcome.kind === "not_in_log") {
          const messages = await services.messages.list(principal.workspaceId, session_id);
          followed = storedReply(messages, message_id, run.status === "completed" ? null : (run.error ?? `The run was ${run.status}`));
        }
        return replyResult({ sessionId: session_id, messageId: message_id, timeoutSeconds: timeout_seconds }, followed);
      }),
  );
};

/** A finished reply as the transcript stores it: the assistant messages after the user message, up to the next one. */
function storedReply(messages: BackendMessage[], userMessageId: string, error: string | null): FollowedRun {
  const start = messages.findIndex((message) => message.id === userMessageId);
  const after = messages.slice(start + 1);
  const end = after.findIndex((message) => message.role === "user");
  const reply = end < 0 ? after : after.slice(0, end);
  const toolCalls: ToolCallSummary[] = reply
    .flatMap((message) => message.toolCalls ?? [])
    .map((call) => ({ id: call.id, name: call.name, status: !call.finished || call.isError ? "failed" : "succeeded" }));
  return {
    outcome: error === null ? { kind: "complete" } : { kind: "failed", error },
    text: reply.map((message) => message.assistantResponse ?? "").join(""),
    toolCalls,
  };
}
