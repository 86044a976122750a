/**
 * The result of chat: the reply with the conversation to continue it in, or, when it is not
 * finished, what the caller does next. It keeps the REST chat's statuses where they have an
 * MCP form: a run stopped for lack of credits is the same 402 tool error a send at zero gets.
 */
import { CREDITS_EXHAUSTED, KnowledgeSource, paymentRequired, type FollowedRun } from "@mix/core";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { dataResult, errorResult } from "./tool-result";

export const ChatOutput = {
  conversationId: z.string().describe("The conversation (a session): pass it as conversationId to continue; get_messages reads it"),
  messageId: z.string().describe("The user message; wait_for_reply takes it (with session_id = conversationId) to follow the reply further"),
  model: z.string().optional().describe("The model the conversation runs on, when one was chosen; absent when Auto left it to the workspace's settings"),
  status: z.enum(["completed", "cancelled", "failed", "timeout"]),
  reply: z.string().describe("The assistant's reply text (so far, unless completed)"),
  note: z.string().optional().describe("What happened and what to do next, when the reply is not completed"),
  sources: z.array(KnowledgeSource).optional().describe("The workspace knowledge the reply was given, by the markers it cites ([1]...); absent when none"),
};

type Chat = z.infer<z.ZodObject<typeof ChatOutput>>;

export interface ChatOf {
  conversationId: string;
  messageId: string;
  model?: string;
  timeoutSeconds: number;
  sources?: KnowledgeSource[];
}

export function chatResult(chat: ChatOf, followed: FollowedRun): CallToolResult {
  const { conversationId, messageId, model } = chat;
  const sources = chat.sources?.length ? { sources: chat.sources } : {};
  const base = { conversationId, messageId, ...(model ? { model } : {}), reply: followed.text, ...sources };
  const waitAgain = `call wait_for_reply with session_id ${conversationId} and message_id ${messageId}`;
  const { outcome } = followed;
  switch (outcome.kind) {
    case "complete":
      if (outcome.reason === "cancelled") {
        return dataResult<Chat>({ ...base, status: "cancelled", note: "The reply was cancelled before it finished; reply holds what was said by then." });
      }
      return dataResult<Chat>({ ...base, status: "completed" });
    case "failed":
      // Out of credits before the reply's model call: what a chat sent at zero credits is refused with.
      if (outcome.type === CREDITS_EXHAUSTED) return errorResult(paymentRequired(outcome.error));
      return { ...dataResult<Chat>({ ...base, status: "failed", note: `The reply failed: ${outcome.error}` }), isError: true };
    case "awaiting_permission":
      // Not reached in practice: a chat run is offered no tools, so nothing in it asks permission.
      return dataResult<Chat>({
        ...base,
        status: "timeout",
        note: `The reply waits for permission ${outcome.permission.permissionId} (${outcome.permission.toolName}): answer it with answer_permission, then ${waitAgain}.`,
      });
    default:
      // Timed out; or events of the run were lost with the log (abandoned); or the client cancelled
      // the request (stopped), and ignores this. The run goes on and stores its reply either way.
      return dataResult<Chat>({
        ...base,
        status: "timeout",
        note: `The reply was not finished after ${chat.timeoutSeconds} s; it is still being written. To keep waiting, ${waitAgain}; get_messages reads the conversation.`,
      });
  }
}
