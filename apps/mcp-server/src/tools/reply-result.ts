/**
 * The result of send_message and wait_for_reply: where the reply got to, and, when it is not
 * finished, what the caller does next (answer a permission or a question, or wait again).
 */
import type { FollowedRun } from "@mix/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { dataResult } from "./tool-result";

export const DEFAULT_TIMEOUT_SECONDS = 120;
export const MAX_TIMEOUT_SECONDS = 600;

export const timeoutSecondsInput = z
  .number()
  .int()
  .min(1)
  .max(MAX_TIMEOUT_SECONDS)
  .default(DEFAULT_TIMEOUT_SECONDS)
  .describe(`How long to wait for the reply (1-${MAX_TIMEOUT_SECONDS} s)`);

const ToolCallSummary = z.object({
  id: z.string(),
  name: z.string(),
  status: z
    .enum(["requested", "awaiting_permission", "running", "succeeded", "failed"])
    .describe("'requested' until it runs, 'awaiting_permission' while the user must allow it, then 'running', 'succeeded' or 'failed'"),
});

const PendingPermission = z.object({
  permissionId: z.string().describe("Pass it to answer_permission"),
  toolName: z.string(),
  description: z.string().describe("What the tool is about to do"),
  action: z.string(),
  path: z.string().optional(),
  bySubagent: z.boolean().describe("Asked by a subagent the agent started"),
});

const PendingQuestion = z.object({
  notificationId: z.string().describe("Pass it to answer_notification"),
  title: z.string(),
  message: z.string().describe("What the agent asks"),
  responseType: z.enum(["acknowledge", "text", "choice"]).describe("The answer it takes"),
  choices: z.array(z.string()).optional().describe("With 'choice': the options, answer one of them exactly"),
  timeout: z.number().int().describe("Seconds the agent waits from when it asked"),
  defaultValue: z.string().optional().describe("What the agent goes with if nobody answers in time"),
  bySubagent: z.boolean().describe("Asked by a subagent the agent started"),
});

export const ReplyOutput = {
  sessionId: z.string(),
  messageId: z.string().describe("The user message; wait_for_reply takes it to follow the reply further"),
  status: z.enum(["completed", "cancelled", "failed", "awaiting_permission", "awaiting_input", "timeout"]),
  answer: z.string().describe("The agent's reply text (so far, unless completed)"),
  toolCalls: z.array(ToolCallSummary).describe("The tools the agent called in this reply, in order"),
  pendingPermission: PendingPermission.optional().describe("Set when status is 'awaiting_permission'"),
  pendingQuestion: PendingQuestion.optional().describe("Set when status is 'awaiting_input'"),
  note: z.string().optional().describe("What happened and what to do next, when the reply is not completed"),
};

type Reply = z.infer<z.ZodObject<typeof ReplyOutput>>;

export interface ReplyOf {
  sessionId: string;
  messageId: string;
  timeoutSeconds: number;
}

export function replyResult(reply: ReplyOf, followed: FollowedRun): CallToolResult {
  const { sessionId, messageId } = reply;
  const base = { sessionId, messageId, answer: followed.text, toolCalls: followed.toolCalls };
  const waitAgain = `call wait_for_reply with session_id ${sessionId} and message_id ${messageId}`;
  const { outcome } = followed;
  switch (outcome.kind) {
    case "complete":
      if (outcome.reason === "cancelled") {
        return dataResult<Reply>({
          ...base,
          status: "cancelled",
          note: "The run was cancelled before it finished; answer holds what the agent had said by then.",
        });
      }
      return dataResult<Reply>({ ...base, status: "completed" });
    case "failed":
      return { ...dataResult<Reply>({ ...base, status: "failed", note: outcome.error }), isError: true };
    case "awaiting_permission": {
      const { permission } = outcome;
      return dataResult<Reply>(
        {
          ...base,
          status: "awaiting_permission",
          pendingPermission: permission,
          note:
            `The agent is waiting for permission to use ${permission.toolName}: ${permission.description}. ` +
            `Ask the user if unsure, then call answer_permission with permission_id ${permission.permissionId} and decision 'grant' or 'deny'; ` +
            `then ${waitAgain} to follow the rest of the reply.`,
        },
        `Waiting for permission ${permission.permissionId} (${permission.toolName}).`,
      );
    }
    case "awaiting_input": {
      const { question } = outcome;
      const how = question.responseType === "choice" ? `one of ${JSON.stringify(question.choices ?? [])}` : question.responseType;
      return dataResult<Reply>(
        {
          ...base,
          status: "awaiting_input",
          pendingQuestion: question,
          note:
            `The agent asks: ${question.title}: ${question.message} ` +
            `Ask the user if you cannot answer for them, then call answer_notification with notification_id ${question.notificationId} ` +
            `and response_type '${question.responseType}' (${how}) within ${question.timeout} s of the question; then ${waitAgain} to follow the rest of the reply.`,
        },
        `Waiting for an answer to question ${question.notificationId}: ${question.title}`,
      );
    }
    case "timeout":
    default:
      // Timed out; or events of the run were lost with the log (abandoned), so it is followed
      // again from its start; or the client cancelled the request (stopped), and ignores this.
      return dataResult<Reply>({
        ...base,
        status: "timeout",
        note: `The reply was not finished after ${reply.timeoutSeconds} s; the agent is still working. To keep waiting, ${waitAgain}; get_messages reads the transcript.`,
      });
  }
}
