/** `GET /api/messages/history`: messages across all of the caller's sessions, newest first. */
import { Controller, Get, Query } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiTags } from "@nestjs/swagger";
import { BackendMessage, DEFAULT_HISTORY_LIMIT, MAX_HISTORY_LIMIT, MessageHistoryQuery, MessageHistoryService, type Principal } from "@mix/core";
import { z } from "zod";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Messages")
@Controller("api/messages")
export class MessageHistoryController {
  constructor(private readonly history: MessageHistoryService) {}

  @Get("history")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get message history",
    description: `Messages of every session of the workspace, newest first. \`limit\` is clamped to 1..${MAX_HISTORY_LIMIT}.`,
    operationId: "getMessageHistory",
  })
  @ApiQuery({
    name: "limit",
    required: false,
    description: "Maximum number of messages to return; values outside 1..1000 are clamped",
    schema: { type: "integer", minimum: 1, maximum: MAX_HISTORY_LIMIT, default: DEFAULT_HISTORY_LIMIT },
  })
  @ApiQuery({ name: "offset", required: false, description: "Number of messages to skip", schema: { type: "integer", minimum: 0, default: 0 } })
  @ApiZodResponse(200, z.array(BackendMessage), "Message history")
  @ApiErrors(400, 401)
  list(
    @CurrentPrincipal() principal: Principal,
    // Typed through z.infer: under SWC a bare schema name would be emitted as the parameter's
    // design type, and Swagger would try to read the zod object as a DTO class.
    @Query(new ZodPipe(MessageHistoryQuery)) query: z.infer<typeof MessageHistoryQuery>,
  ) {
    return this.history.list(principal.workspaceId, query);
  }
}
