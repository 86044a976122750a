/**
 * A finished run's reply as the transcript stores it, for when its events have expired from the
 * session's log: the assistant messages after its user message, up to the next user message.
 */
import type { BackendMessage } from "../contracts";
import type { FollowedRun } from "./run-outcome";
import type { ToolCallSummary } from "./run-tracker";
import type { RunStatusView } from "./run-status";

export function storedReply(messages: BackendMessage[], userMessageId: string, run: Pick<RunStatusView, "status" | "error">): FollowedRun {
  const start = messages.findIndex((message) => message.id === userMessageId);
  const after = messages.slice(start + 1);
  const end = after.findIndex((message) => message.role === "user");
  const reply = end < 0 ? after : after.slice(0, end);
  const toolCalls: ToolCallSummary[] = reply
    .flatMap((message) => message.toolCalls ?? [])
    .map((call) => ({ id: call.id, name: call.name, status: !call.finished || call.isError ? "failed" : "succeeded" }));
  return {
    outcome: run.status === "completed" ? { kind: "complete" } : { kind: "failed", error: run.error ?? `The run was ${run.status}` },
    text: reply.map((message) => message.assistantResponse ?? "").join(""),
    toolCalls,
  };
}
