/**
 * chat: the chat surface (`POST /api/chat`) as one tool. A message goes through the same core
 * ChatService as the REST route (its validation, the plan's models, credits, a conversation that
 * is a session), and the reply is followed to its end as send_message follows an agent's, its
 * text reported as progress notifications on the way.
 */
import { AUTO_MODEL_ID, ChatRequest, safeString } from "@mix/core";
import { z } from "zod";
import { ChatOutput, chatResult } from "./chat-result";
import { timeoutSecondsInput } from "./reply-result";
import { replyProgress } from "./reply-progress";
import type { RegisterTool } from "./tool-context";
import { guarded } from "./tool-result";

export const registerChat: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "chat",
    {
      title: "Chat",
      description:
        "Chats with the workspace's assistant: sends a message and waits for the whole reply (plain text; the chat assistant uses no tools). " +
        "Omit conversationId to start a new conversation; to continue one, pass the conversationId a previous chat call returned, and the " +
        "assistant sees the earlier turns. model: an id from list_models; omitted or 'ml-auto' lets the server choose. Returns reply, " +
        "conversationId and the model when known. Status 'timeout': the reply is still being written; call wait_for_reply with " +
        "session_id = conversationId and the messageId. Uses the workspace's credits and counts against its rate limits.",
      inputSchema: {
        // No minimum here: the REST chat's own checks below say what is wrong with an empty message.
        message: safeString().describe("The user message"),
        model: safeString().optional().describe("A model id from list_models; omit (or 'ml-auto') for automatic selection"),
        conversationId: safeString().optional().describe("The conversationId of an earlier chat to continue; omit to start a new conversation"),
        timeout_seconds: timeoutSecondsInput,
        knowledge: z.boolean().optional().describe("false: no workspace knowledge for this reply and the conversation's later ones; omitted keeps its setting"),
      },
      outputSchema: ChatOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ message, model, conversationId, timeout_seconds, knowledge }, extra) =>
      guarded(async () => {
        // The REST chat's validation (message not empty, length limit, conversationId not empty).
        const request = ChatRequest.parse({ message, model, conversationId, knowledge });
        // Refused in the error shape's words: a bad model (400), an unknown or foreign conversation (404),
        // a model outside the plan (403), no credits left (402); nothing is written then.
        const started = await services.chat.send(principal.workspaceId, request, principal);
        const usedModel = await modelOf(started.conversationId, request.model, started.model);

        const progress = replyProgress(extra);
        const followed = await services.follow.followToEnd(
          { sessionId: started.conversationId, messageId: started.messageId, afterEventId: started.afterEventId },
          progress,
          { timeoutMs: timeout_seconds * 1000, signal: extra.signal },
        );
        await progress.flushed();
        return chatResult(
          { conversationId: started.conversationId, messageId: started.messageId, model: usedModel, timeoutSeconds: timeout_seconds, sources: started.sources },
          followed,
        );
      }),
  );

  /**
   * A concrete model became the conversation's. On Auto the run takes the conversation's stored
   * model, else the workspace's preferences: only the first is known here, so none is claimed otherwise.
   */
  async function modelOf(conversationId: string, requested: string | undefined, resolved: string): Promise<string | undefined> {
    if (requested !== undefined && requested !== AUTO_MODEL_ID) return resolved;
    return (await services.sessions.require(principal.workspaceId, conversationId)).modelId ?? undefined;
  }
};
