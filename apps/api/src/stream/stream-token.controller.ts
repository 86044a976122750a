/**
 * `POST /api/sessions/{id}/stream-token` (beyond the contracts): a short-lived token that opens
 * this one session's `GET /stream` from a browser's EventSource, which cannot send a header.
 */
import { Controller, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { SessionsService, StreamTokenResponse, StreamTokens, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Streaming")
@Controller("api/sessions")
export class StreamTokenController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly tokens: StreamTokens,
  ) {}

  @Post(":id/stream-token")
  @RequiresRole("read_only")
  @HttpCode(201)
  @ApiOperation({
    summary: "Mint a stream token for a browser's EventSource",
    description:
      "A token that opens only `GET /stream?sessionId=<this session>&token=<token>` (add `&lastEventId=` to resume), for " +
      "STREAM_TOKEN_TTL_MS (5 minutes by default); EventSource's own reconnects reuse it until then, after which mint another. " +
      "It acts as the key that minted it, re-checked on every use: revoking that key ends it. Any other route, or another " +
      "session's stream, refuses it.",
    operationId: "createStreamToken",
  })
  @ApiParam({ name: "id", description: "Session ID" })
  @ApiZodResponse(201, StreamTokenResponse, "The token and when it expires")
  @ApiErrors(401, 404, 429)
  async mint(@CurrentPrincipal() principal: Principal, @Param("id") sessionId: string): Promise<StreamTokenResponse> {
    await this.sessions.require(principal.workspaceId, sessionId);
    return this.tokens.mint(principal, sessionId);
  }
}
