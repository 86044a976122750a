/** `/api/sessions`: thin HTTP mapping onto the core SessionsService. */
import { Body, Controller, Delete, Get, HttpCode, Logger, Param, Patch, Post, Query, Req, Res, UseInterceptors } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import {
  CREATE_SESSION_FIELDS,
  CreateSessionRequest,
  ListSessionsQuery,
  MAX_SESSIONS_PAGE,
  SessionData,
  SessionsService,
  UpdateCallbacksRequest,
  type Actor,
  type Principal,
} from "@mix/core";
import type { Request, Response } from "express";
import { z } from "zod";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse, toOpenApiSchema } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { SdkSessionTypeInterceptor } from "./sdk-session-type.interceptor";

@ApiTags("Sessions")
@Controller("api/sessions")
export class SessionsController {
  private readonly logger = new Logger("SessionsController");

  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @RequiresRole("read_only")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @ApiOperation({
    summary: "List all sessions",
    description:
      "Every session unless `limit` is given. With `limit`, the body is still a plain array (the first page), and when " +
      'more exist the `Link` (rel="next") and `X-Next-Cursor` headers say how to ask for the next one.',
    operationId: "listSessions",
  })
  @ApiQuery({ name: "includeSubagents", required: false, type: Boolean })
  @ApiQuery({ name: "limit", required: false, type: Number, description: `Page size, 1 to ${MAX_SESSIONS_PAGE}` })
  @ApiQuery({ name: "cursor", required: false, type: String, description: "Opaque: the X-Next-Cursor of the previous page" })
  @ApiResponse({
    status: 200,
    description: "Sessions of the caller's workspace, newest first",
    schema: toOpenApiSchema(z.array(SessionData)),
    headers: {
      Link: { description: '`<url>; rel="next"` when `limit` left sessions out', schema: { type: "string" } },
      "X-Next-Cursor": { description: "The cursor of the next page, when there is one", schema: { type: "string" } },
    },
  })
  @ApiErrors(400, 401)
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query(new ZodPipe(ListSessionsQuery)) query: z.infer<typeof ListSessionsQuery>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<SessionData[]> {
    const page = await this.sessions.listPage(principal.workspaceId, query);
    if (page.nextCursor !== null && query.limit !== undefined) {
      const next = new URLSearchParams({
        ...(query.includeSubagents ? { includeSubagents: "true" } : {}),
        limit: String(query.limit),
        cursor: page.nextCursor,
      });
      // Relative, so it never repeats a Host header a proxy may have rewritten.
      response.setHeader("Link", `</api/sessions?${next.toString()}>; rel="next"`);
      response.setHeader("X-Next-Cursor", page.nextCursor);
    }
    return page.sessions;
  }

  @Post()
  @RequiresRole("member")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @ApiOperation({
    summary: "Create a new session",
    description:
      "Takes the body of either Mix contract (`browserMode` defaults to `local-browser-service`). Top-level fields this " +
      "server does not know are ignored, not refused, and named in the `X-Mix-Ignored-Fields` header.",
    operationId: "createSession",
  })
  @ApiZodBody(CreateSessionRequest)
  @ApiResponse({
    status: 201,
    description: "Created session",
    schema: toOpenApiSchema(SessionData),
    headers: { "X-Mix-Ignored-Fields": { description: "The request's top-level fields that were ignored, comma-separated", schema: { type: "string" } } },
  })
  @ApiErrors(400, 401, 413)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(CreateSessionRequest)) body: CreateSessionRequest,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const ignored = Object.keys(request.body as object).filter((field) => !CREATE_SESSION_FIELDS.has(field));
    if (ignored.length) {
      // Their values are never read or stored; their names are shown tamed and bounded.
      const names = ignored.slice(0, 20).map((field) => field.replace(/[^\w.-]/g, "_").slice(0, 64));
      this.logger.debug({ workspaceId: principal.workspaceId, ignored: names }, "create session: unknown fields ignored");
      response.setHeader("X-Mix-Ignored-Fields", names.join(","));
    }
    return this.sessions.create(principal.workspaceId, body);
  }

  @Get(":id")
  @RequiresRole("read_only")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @ApiOperation({ summary: "Get a specific session", operationId: "getSession" })
  @ApiZodResponse(200, SessionData, "Session details")
  @ApiErrors(401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.sessions.get(principal.workspaceId, id);
  }

  @Patch(":id/callbacks")
  @RequiresRole("member")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @ApiOperation({
    summary: "Update session callbacks",
    description: "Replaces the session's callbacks; an empty array clears them.",
    operationId: "updateSessionCallbacks",
  })
  @ApiZodBody(UpdateCallbacksRequest)
  @ApiZodResponse(200, SessionData, "Session with its new callbacks")
  @ApiErrors(400, 401, 404)
  updateCallbacks(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param("id") id: string,
    @Body(new ZodPipe(UpdateCallbacksRequest)) body: z.infer<typeof UpdateCallbacksRequest>,
  ) {
    return this.sessions.updateCallbacks(principal.workspaceId, id, body.callbacks, actor);
  }

  @Delete(":id")
  @RequiresRole("member")
  @HttpCode(204)
  @ApiOperation({
    summary: "Delete a session",
    description: "Deletes the session, its messages and its event log. Answers 409 while a run is queued or running: cancel first.",
    operationId: "deleteSession",
  })
  @ApiErrors(401, 404, 409)
  async delete(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("id") id: string): Promise<void> {
    await this.sessions.delete(principal.workspaceId, id, actor);
  }
}
