/** `/api/sessions`: thin HTTP mapping onto the core SessionsService. */
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiTags } from "@nestjs/swagger";
import { CreateSessionRequest, ListSessionsQuery, SessionData, type ApiServices, type Principal } from "@mix/core";
import { z } from "zod";
import { API_SERVICES } from "../common/api-services.token";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Sessions")
@Controller("api/sessions")
export class SessionsController {
  constructor(@Inject(API_SERVICES) private readonly services: ApiServices) {}

  @Get()
  @ApiOperation({ summary: "List all sessions", operationId: "listSessions" })
  @ApiQuery({ name: "includeSubagents", required: false, type: Boolean })
  @ApiZodResponse(200, z.array(SessionData), "Sessions of the caller's workspace, newest first")
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(ListSessionsQuery)) query: z.infer<typeof ListSessionsQuery>) {
    return this.services.sessions.list(principal.workspaceId, query);
  }

  @Post()
  @ApiOperation({ summary: "Create a new session", operationId: "createSession" })
  @ApiZodBody(CreateSessionRequest)
  @ApiZodResponse(201, SessionData, "Created session")
  @ApiErrors(400, 401, 413)
  create(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(CreateSessionRequest)) body: CreateSessionRequest) {
    return this.services.sessions.create(principal.workspaceId, body);
  }

  @Get(":id")
  @ApiOperation({ summary: "Get a specific session", operationId: "getSession" })
  @ApiZodResponse(200, SessionData, "Session details")
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.services.sessions.get(principal.workspaceId, id);
  }

  @Delete(":id")
  @HttpCode(204)
  @ApiOperation({
    summary: "Delete a session",
    description: "Deletes the session, its messages and its event log. Answers 409 while a run is queued or running: cancel first.",
    operationId: "deleteSession",
  })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentPrincipal() principal: Principal, @Param("id") id: string): Promise<void> {
    await this.services.sessions.delete(principal.workspaceId, id);
  }
}
