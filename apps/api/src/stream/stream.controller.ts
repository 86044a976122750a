/**
 * `GET /stream?sessionId=`: a session's events over SSE, from any API instance. Without
 * Last-Event-ID the client gets live events from now on; with it (header, or `lastEventId`
 * query for browsers' first connect) it first gets every logged event after that id.
 */
import { Controller, Get, Headers, Inject, Logger, Query, Req, Res } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import { openSessionEventStream, validationError, type ApiServices, type Principal } from "@mix/core";
import type { Request, Response } from "express";
import { API_SERVICES } from "../common/api-services.token";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { ApiErrors } from "../common/openapi/zod-openapi";
import { SseConnection } from "./sse-connection";

function parseEventId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw validationError("Last-Event-ID must be a non-negative integer event id");
  return Number(raw);
}

@ApiTags("Streaming")
@Controller("stream")
export class StreamController {
  private readonly logger = new Logger("StreamController");

  constructor(@Inject(API_SERVICES) private readonly services: ApiServices) {}

  @Get()
  @ApiOperation({ summary: "Server-Sent Events stream for real-time updates", operationId: "streamEvents" })
  @ApiQuery({ name: "sessionId", required: true })
  @ApiQuery({ name: "lastEventId", required: false, description: "Same as the Last-Event-ID header" })
  @ApiHeader({ name: "Last-Event-ID", required: false })
  @ApiProduces("text/event-stream")
  @ApiResponse({ status: 200, description: "SSE event stream" })
  @ApiErrors(400, 401, 404)
  async stream(
    @CurrentPrincipal() principal: Principal,
    @Query("sessionId") sessionId: string | undefined,
    @Query("lastEventId") lastEventIdQuery: string | undefined,
    @Headers("last-event-id") lastEventIdHeader: string | undefined,
    @Req() request: Request,
    @Res() response: Response,
  ): Promise<void> {
    if (!sessionId || typeof sessionId !== "string") throw validationError("sessionId query parameter is required");
    const requested = parseEventId(lastEventIdHeader ?? lastEventIdQuery);
    await this.services.sessions.require(principal.workspaceId, sessionId);

    const { events, fanout, config } = this.services;
    const startId = requested ?? (await events.lastId(sessionId));
    const connection = new SseConnection(response, startId, {
      heartbeatMs: config.SSE_HEARTBEAT_MS,
      maxBufferedBytes: config.SSE_MAX_BUFFERED_BYTES,
      retryMs: config.SSE_RETRY_MS,
      onOverflow: (bytes) => this.logger.warn({ sessionId, bytes }, "SSE client too slow; disconnected so it resumes from its last id"),
    });
    connection.open(sessionId);

    let stream: Awaited<ReturnType<typeof openSessionEventStream>> | undefined;
    let gone = false;
    const finish = () => {
      gone = true;
      stream?.close();
      connection.close();
    };
    request.on("close", finish);
    try {
      stream = await openSessionEventStream(
        events,
        fanout,
        sessionId,
        startId,
        (event) => {
          connection.send(event);
          if (event.event === "session_deleted") setImmediate(finish);
        },
        () => connection.waitForDrain(),
      );
      if (gone) stream.close();
    } catch (error) {
      this.logger.error({ err: error, sessionId }, "could not open session stream");
      finish();
    }
  }
}
