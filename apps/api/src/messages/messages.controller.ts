/** `/api/sessions/{id}/messages` and `/cancel`: store + enqueue (202), list, cancel. */
import { Body, Controller, Get, Headers, HttpCode, Param, Post } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiTags } from "@nestjs/swagger";
import {
  BackendMessage,
  CancelResponse,
  CancelService,
  MAX_IDEMPOTENCY_KEY_LENGTH,
  MessagesService,
  SendMessageAccepted,
  SendMessageRequest,
  type Principal,
} from "@mix/core";
import { z } from "zod";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { RateLimited } from "../common/rate-limit/rate-limited.decorator";
import { ZodPipe } from "../common/zod-validation.pipe";
import { checkIdempotencyKey } from "./idempotency-key";

@ApiTags("Messages")
@Controller("api/sessions/:id")
export class MessagesController {
  constructor(
    private readonly messages: MessagesService,
    private readonly cancelService: CancelService,
  ) {}

  @Get("messages")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "List session messages", operationId: "getSessionMessages" })
  @ApiZodResponse(200, z.array(BackendMessage), "Messages in conversation order")
  @ApiErrors(401, 404)
  list(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.messages.list(principal.workspaceId, id);
  }

  @Post("messages")
  @RequiresRole("member")
  @HttpCode(202)
  @RateLimited("messages")
  @ApiOperation({
    summary: "Send a message to session (async)",
    description:
      "Stores the message and queues a run; results stream over GET /stream. A message sent while a run is " +
      "active waits for it and runs next, in order. Repeating a request with the same Idempotency-Key is a no-op.",
    operationId: "sendMessage",
  })
  @ApiHeader({ name: "Idempotency-Key", required: false, description: `At most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters` })
  @ApiZodBody(SendMessageRequest)
  @ApiZodResponse(202, SendMessageAccepted, "Message accepted for processing")
  @ApiErrors(400, 401, 402, 403, 404, 413)
  async send(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Body(new ZodPipe(SendMessageRequest)) body: SendMessageRequest,
    @Headers("idempotency-key") idempotencyKey?: string,
  ): Promise<SendMessageAccepted> {
    checkIdempotencyKey(idempotencyKey);
    const { status, sessionId } = await this.messages.send(principal.workspaceId, id, body, idempotencyKey, { sentBy: principal });
    return { status, sessionId };
  }

  @Post("cancel")
  @RequiresRole("member")
  @HttpCode(200)
  @ApiOperation({
    summary: "Cancel agent processing",
    description: "Stops the running run and ends the session's queued runs as cancelled. `cancelled` is false when nothing was active.",
    operationId: "cancelSessionProcessing",
  })
  @ApiZodResponse(200, CancelResponse, "Cancellation status")
  @ApiErrors(401, 404)
  cancel(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.cancelService.cancel(principal.workspaceId, id);
  }
}
