/** A session's knowledge switch (`/api/sessions/{id}/knowledge`) and the sources a message's reply was given. */
import { Body, Controller, Get, Param, Put } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { MessageKnowledgeSources, SessionKnowledge, SessionKnowledgeSettings, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Knowledge")
@Controller()
export class SessionKnowledgeController {
  constructor(private readonly sessions: SessionKnowledge) {}

  @Get("api/sessions/:id/knowledge")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get a session's knowledge setting", operationId: "getSessionKnowledge" })
  @ApiParam({ name: "id", description: "The session's id" })
  @ApiZodResponse(200, SessionKnowledgeSettings, "Whether its user messages retrieve the workspace's knowledge")
  @ApiErrors(401, 404)
  async get(@CurrentPrincipal() principal: Principal, @Param("id") id: string): Promise<SessionKnowledgeSettings> {
    return { enabled: await this.sessions.enabled(principal.workspaceId, id) };
  }

  @Put("api/sessions/:id/knowledge")
  @RequiresRole("member")
  @ApiOperation({
    summary: "Turn a session's knowledge retrieval on or off",
    description:
      "On (the default): each user message's run is given the workspace's most relevant knowledge chunks, to cite. Runs already started keep theirs.",
    operationId: "updateSessionKnowledge",
  })
  @ApiParam({ name: "id", description: "The session's id" })
  @ApiZodBody(SessionKnowledgeSettings)
  @ApiZodResponse(200, SessionKnowledgeSettings, "The setting as stored")
  @ApiErrors(400, 401, 404)
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Body(new ZodPipe(SessionKnowledgeSettings)) body: SessionKnowledgeSettings,
  ): Promise<SessionKnowledgeSettings> {
    return { enabled: await this.sessions.setEnabled(principal.workspaceId, id, body.enabled) };
  }

  @Get("api/knowledge/messages/:messageId/sources")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get the sources a reply was given",
    description: "The knowledge chunks the run of a user message (a chat message's id too) was given, under the markers its reply cites; empty when none.",
    operationId: "getMessageKnowledgeSources",
  })
  @ApiParam({ name: "messageId", description: "The user message's id" })
  @ApiZodResponse(200, MessageKnowledgeSources, "The sources")
  @ApiErrors(401, 404)
  sources(@CurrentPrincipal() principal: Principal, @Param("messageId") messageId: string): Promise<MessageKnowledgeSources> {
    return this.sessions.messageSources(principal.workspaceId, messageId);
  }
}
