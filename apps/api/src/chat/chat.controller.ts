/**
 * `POST /api/chat`: sends a message to a conversation (a session, created when none is given)
 * through the sessions pipeline, and streams the reply's text back as it is generated.
 */
import { Body, Controller, HttpCode, Post, Res } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ChatRequest, ChatService, CONVERSATION_ID_HEADER, KNOWLEDGE_SOURCES_HEADER, RunFollower, type Principal } from "@mix/core";
import type { Response } from "express";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody } from "../common/openapi/zod-openapi";
import { RateLimited } from "../common/rate-limit/rate-limited.decorator";
import { ZodPipe } from "../common/zod-validation.pipe";
import { streamChatReply } from "./chat-response";

@ApiTags("Chat")
@Controller("api/chat")
export class ChatController {
  constructor(
    private readonly chatService: ChatService,
    private readonly follower: RunFollower,
  ) {}

  @Post()
  @RequiresRole("member")
  @HttpCode(200)
  @RateLimited()
  @ApiOperation({
    summary: "Send a chat message",
    description:
      "Sends `message` to the conversation `conversationId` (a session; a new one, titled from the message, when omitted) " +
      "and streams the assistant's reply as plain text chunks while it is generated. The conversation id is in the " +
      "X-Conversation-Id response header; the exchange is also readable at GET /api/sessions/{id}/messages.",
    operationId: "chat",
  })
  @ApiZodBody(ChatRequest)
  @ApiResponse({
    status: 200,
    description: "The reply's text, streamed in chunks",
    headers: {
      [CONVERSATION_ID_HEADER]: { description: "The conversation (session) id", schema: { type: "string" } },
      [KNOWLEDGE_SOURCES_HEADER]: {
        description: "The knowledge sources the reply was given, as JSON: [{marker, documentId, chunkId, title, position}]; the reply cites them as [marker]",
        schema: { type: "string" },
      },
    },
    // Only this response is text: errors keep the JSON error shape.
    content: { "text/plain": { schema: { type: "string" } } },
  })
  @ApiErrors(400, 401, 402, 403, 404, 413, 502, 504)
  async chat(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(ChatRequest)) body: ChatRequest, @Res() response: Response): Promise<void> {
    const started = await this.chatService.send(principal.workspaceId, body, principal);
    // Set now, so every answer from here on (text or error) names the conversation.
    response.setHeader(CONVERSATION_ID_HEADER, started.conversationId);
    response.append("Access-Control-Expose-Headers", CONVERSATION_ID_HEADER);
    // The knowledge the reply is given, as ASCII-only JSON (a header holds no other text).
    response.setHeader(KNOWLEDGE_SOURCES_HEADER, asciiJson(started.sources ?? []));
    response.append("Access-Control-Expose-Headers", KNOWLEDGE_SOURCES_HEADER);
    await streamChatReply(this.follower, started, response);
  }
}

const asciiJson = (value: unknown) => JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
