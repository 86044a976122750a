/** `/api/sessions/{id}/fork`, `/rewind` and `/export`: thin HTTP mapping onto the core services. */
import { Body, Controller, Get, HttpCode, Param, Post, Res, UseInterceptors } from "@nestjs/common";
import { ApiOperation, ApiResponse, ApiTags } from "@nestjs/swagger";
import { ExportService, ExportSession, ForkService, ForkSessionRequest, RewindService, RewindSessionRequest, SessionData, type Principal } from "@mix/core";
import type { Response } from "express";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse, toOpenApiSchema } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";
import { SdkSessionTypeInterceptor } from "./sdk-session-type.interceptor";

@ApiTags("Sessions")
@Controller("api/sessions/:id")
export class SessionActionsController {
  constructor(
    private readonly forkService: ForkService,
    private readonly rewindService: RewindService,
    private readonly exportService: ExportService,
  ) {}

  @Post("fork")
  @RequiresRole("member")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @ApiOperation({
    summary: "Fork a session",
    description:
      "Creates a 'forked' session with copies of the source's messages up to and including `messageIndex` " +
      "(0-based, in GET /messages order), its prompt settings and its callbacks.",
    operationId: "forkSession",
  })
  @ApiZodBody(ForkSessionRequest)
  @ApiZodResponse(201, SessionData, "Forked session")
  @ApiErrors(400, 401, 404)
  fork(@CurrentPrincipal() principal: Principal, @Param("id") id: string, @Body(new ZodPipe(ForkSessionRequest)) body: ForkSessionRequest) {
    return this.forkService.fork(principal.workspaceId, id, body);
  }

  @Post("rewind")
  @RequiresRole("member")
  @UseInterceptors(SdkSessionTypeInterceptor)
  @HttpCode(200)
  @ApiOperation({
    summary: "Rewind a session",
    description: "Keeps `messageId` and deletes every later message. Answers 409 while a run is queued or running: cancel first.",
    operationId: "rewindSession",
  })
  @ApiZodBody(RewindSessionRequest)
  @ApiZodResponse(200, SessionData, "Session rewound successfully")
  @ApiErrors(400, 401, 404, 409)
  rewind(@CurrentPrincipal() principal: Principal, @Param("id") id: string, @Body(new ZodPipe(RewindSessionRequest)) body: RewindSessionRequest) {
    return this.rewindService.rewind(principal.workspaceId, id, body);
  }

  @Get("export")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Export session transcript",
    description: "The whole transcript with tool calls (results attached), reasoning and metadata, as a JSON download.",
    operationId: "exportSession",
  })
  @ApiResponse({
    status: 200,
    description: "Session transcript exported successfully",
    schema: toOpenApiSchema(ExportSession),
    headers: { "Content-Disposition": { description: "Suggests filename for download", schema: { type: "string" } } },
  })
  @ApiErrors(401, 404)
  async export(@CurrentPrincipal() principal: Principal, @Param("id") id: string, @Res({ passthrough: true }) response: Response) {
    const transcript = await this.exportService.export(principal.workspaceId, id);
    // The id comes from the database (a UUID), so it is safe inside the header value.
    response.setHeader("Content-Disposition", `attachment; filename=session_${transcript.id}_transcript.json`);
    return transcript;
  }
}
