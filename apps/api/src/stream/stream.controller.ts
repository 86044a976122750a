/**
 * `GET /stream?sessionId=`: a session's events over SSE, from any API instance. Without
 * Last-Event-ID the client gets live events from now on; with it (header, or `lastEventId`
 * query for browsers' first connect) it first gets every logged event after that id.
 * The stream itself is session-stream.ts's, which the stream gateway serves too.
 */
import { Controller, Get, Headers, Inject, Logger, Query, Req, Res } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import { EventFanout, EventLog, NotificationsService, SessionsService, StreamSlots, type Config, type Principal } from "@mix/core";
import type { Request, Response } from "express";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { AcceptsStreamToken } from "../common/auth/stream-token.decorator";
import { ApiErrors, errorContent } from "../common/openapi/zod-openapi";
import { CONFIG } from "../core/config.token";
import { SessionStreams } from "./session-stream";

@ApiTags("Streaming")
@Controller("stream")
export class StreamController {
  private readonly streams: SessionStreams;

  constructor(
    sessions: SessionsService,
    events: EventLog,
    fanout: EventFanout,
    slots: StreamSlots,
    notifications: NotificationsService,
    @Inject(CONFIG) config: Config,
  ) {
    this.streams = new SessionStreams({
      events,
      fanout,
      slots,
      notifications,
      requireSession: (workspaceId, sessionId) => sessions.require(workspaceId, sessionId),
      settings: { heartbeatMs: config.SSE_HEARTBEAT_MS, maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES, retryMs: config.SSE_RETRY_MS },
      logger: new Logger("StreamController"),
    });
  }

  @Get()
  @RequiresRole("read_only")
  @AcceptsStreamToken()
  @ApiOperation({ summary: "Server-Sent Events stream for real-time updates", operationId: "streamEvents" })
  @ApiQuery({ name: "sessionId", required: true })
  @ApiQuery({ name: "lastEventId", required: false, description: "Same as the Last-Event-ID header" })
  @ApiQuery({
    name: "token",
    required: false,
    description: "A stream token of this session (POST /api/sessions/{id}/stream-token), for a browser's EventSource, which cannot send Authorization",
  })
  @ApiHeader({ name: "Last-Event-ID", required: false })
  @ApiProduces("text/event-stream")
  @ApiResponse({ status: 200, description: "SSE event stream" })
  @ApiResponse({
    status: 429,
    description: "The API key holds SSE_MAX_STREAMS_PER_KEY open streams already: close one, or retry after the seconds in Retry-After",
    headers: { "Retry-After": { description: "Seconds until a held slot could lapse", schema: { type: "integer" } } },
    content: errorContent(),
  })
  @ApiErrors(400, 401, 404)
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Query("sessionId") sessionId: string | undefined,
    @Query("lastEventId") lastEventIdQuery: string | undefined,
    @Headers("last-event-id") lastEventIdHeader: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    await this.streams.serve(principal, { sessionId, lastEventIdHeader, lastEventIdQuery }, request, response);
  }
}
