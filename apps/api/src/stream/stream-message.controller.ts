/**
 * `POST /stream/{id}/message`: the earlier contract's way to send a message "into the stream".
 * It is the same pipeline as POST /api/sessions/{id}/messages (one stored message, one run,
 * however many streams are open); only the request and answer shapes differ.
 */
import { Body, Controller, Headers, HttpCode, Param, Post } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiTags } from "@nestjs/swagger";
import { MessagesService, StreamMessageRequest, StreamMessageResponse, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { RateLimited } from "../common/rate-limit/rate-limited.decorator";
import { ZodPipe } from "../common/zod-validation.pipe";
import { checkIdempotencyKey } from "../messages/idempotency-key";

@ApiTags("Streaming")
@Controller("stream")
export class StreamMessageController {
  constructor(private readonly messages: MessagesService) {}

  @Post(":id/message")
  @RequiresRole("member")
  @HttpCode(200)
  @RateLimited("messages")
  @ApiOperation({ summary: "Send message via streaming pipeline", operationId: "sendStreamingMessage" })
  @ApiHeader({ name: "Idempotency-Key", required: false })
  @ApiZodBody(StreamMessageRequest)
  @ApiZodResponse(200, StreamMessageResponse, "Message queued; its events arrive on every open stream of the session")
  @ApiErrors(400, 401, 402, 403, 404, 413)
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Body(new ZodPipe(StreamMessageRequest)) body: StreamMessageRequest,
    @Headers("idempotency-key") idempotencyKey?: string,
  ): Promise<StreamMessageResponse> {
    checkIdempotencyKey(idempotencyKey);
    const { sessionId } = await this.messages.send(principal.workspaceId, id, { text: body.content, plan_mode: false }, idempotencyKey, {
      sentBy: principal,
    });
    return { status: "broadcasted", sessionId };
  }
}
