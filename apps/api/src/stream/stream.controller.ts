/**
 * `GET /stream?sessionId=`: a session's events over SSE, from any API instance. Without
 * Last-Event-ID the client gets live events from now on; with it (header, or `lastEventId`
 * query for browsers' first connect) it first gets every logged event after that id.
 */
import { Controller, Get, Headers, Inject, Logger, Query, Req, Res } from "@nestjs/common";
import { ApiHeader, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from "@nestjs/swagger";
import {
  EventFanout,
  EventLog,
  NotificationsService,
  openSessionEventStream,
  forbidden,
  REPLAY_UNAVAILABLE,
  SessionsService,
  StreamSlots,
  validationError,
  type Config,
  type EventPayload,
  type Principal,
  type ReplayGap,
  type StreamTokenPrincipal,
} from "@mix/core";
import type { Request, Response } from "express";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { AcceptsStreamToken } from "../common/auth/stream-token.decorator";
import { ApiErrors, errorContent } from "../common/openapi/zod-openapi";
import { knowsNotificationEvents } from "../common/mix-sdk-user-agent";
import { CONFIG } from "../core/config.token";
import { HeartbeatClock } from "./heartbeat-clock";
import { SseConnection } from "./sse-connection";
import { StreamSlot } from "./stream-slot";

const isStreamTokenPrincipal = (principal: Principal): principal is StreamTokenPrincipal => "streamSessionId" in principal;

function parseEventId(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,15}$/.test(raw)) throw validationError("Last-Event-ID must be a non-negative integer event id");
  return Number(raw);
}

@ApiTags("Streaming")
@Controller("stream")
export class StreamController {
  private readonly logger = new Logger("StreamController");
  /** One heartbeat timer for all of this instance's streams. */
  private readonly heartbeats: HeartbeatClock;

  constructor(
    private readonly sessions: SessionsService,
    private readonly events: EventLog,
    private readonly fanout: EventFanout,
    private readonly slots: StreamSlots,
    private readonly notifications: NotificationsService,
    @Inject(CONFIG) private readonly config: Config,
  ) {
    this.heartbeats = new HeartbeatClock(config.SSE_HEARTBEAT_MS);
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
    if (!sessionId || typeof sessionId !== "string") throw validationError("sessionId query parameter is required");
    if (isStreamTokenPrincipal(principal) && principal.streamSessionId !== sessionId) {
      throw forbidden("This stream token opens another session's stream: mint one for this session");
    }
    const requested = parseEventId(lastEventIdHeader ?? lastEventIdQuery);
    await this.sessions.require(principal.workspaceId, sessionId);

    const startId = requested ?? (await this.events.lastId(sessionId));
    const slot = await StreamSlot.take(this.slots, principal.apiKeyId, response, this.logger);
    const connection = new SseConnection(response, startId, {
      heartbeats: this.heartbeats,
      maxBufferedBytes: this.config.SSE_MAX_BUFFERED_BYTES,
      retryMs: this.config.SSE_RETRY_MS,
      onOverflow: (bytes) => this.logger.warn({ sessionId, bytes }, "SSE client too slow; disconnected so it resumes from its last id"),
      onHeartbeat: () => slot.refresh(),
    });
    connection.open(sessionId);

    let stream: Awaited<ReturnType<typeof openSessionEventStream>> | undefined;
    const notifications = knowsNotificationEvents(request.headers["user-agent"]);
    let gone = false;
    const finish = () => {
      gone = true;
      stream?.close();
      connection.close();
      slot.release();
    };
    request.on("close", finish);
    // A client that left while the slot was being taken has no 'close' left to come.
    if (request.socket.destroyed) finish();
    try {
      stream = await openSessionEventStream(
        this.events,
        this.fanout,
        sessionId,
        startId,
        (event) => {
          if (event.event === "notification" && !notifications) return;
          connection.send(event);
          if (event.event === "session_deleted") setImmediate(finish);
        },
        {
          waitForDrain: () => connection.waitForDrain(),
          // Said once, before what the log still has: the client reloads the transcript from Postgres.
          onGap: (gap) => connection.notice("error", replayUnavailable(sessionId, gap)),
          // Catching up after a Redis reconnect failed: the client reconnects with its last id.
          onBroken: (error) => {
            this.logger.warn({ err: error, sessionId }, "stream could not catch up after a reconnect; closing it");
            finish();
          },
        },
      );
      if (gone) stream.close();
      else await this.showPending(principal.workspaceId, sessionId, connection, { startId, notifications });
    } catch (error) {
      this.logger.error({ err: error, sessionId }, "could not open session stream");
      finish();
    }
  }

  /**
   * What waits for the user's answer and was shown before this connection's start point is
   * shown again, once the replay is done, so a client that connects or reconnects late still
   * sees the question (what was shown after the start point, the replay or the live stream
   * delivers). Sent as notices: they carry the id to resume from, not their own, so
   * Last-Event-ID stays right.
   */
  private async showPending(
    workspaceId: string,
    sessionId: string,
    connection: SseConnection,
    options: { startId: number; notifications: boolean },
  ): Promise<void> {
    const pending = await this.notifications.pending(workspaceId, sessionId, options.startId);
    for (const payload of pending.permissions) connection.notice("permission", payload as EventPayload<"permission">);
    if (!options.notifications) return;
    for (const payload of pending.notifications) connection.notice("notification", payload as EventPayload<"notification">);
  }
}

/** The stated answer to a last id the log can no longer serve (README: "Streaming"). */
function replayUnavailable(sessionId: string, gap: ReplayGap) {
  return {
    type: REPLAY_UNAVAILABLE,
    error:
      `Events after id ${gap.afterId} are no longer in the replay log (trimmed, expired, or lost with Redis)` +
      `${gap.resumedAt > 0 ? `; the stream goes on from id ${gap.resumedAt}` : ""}. ` +
      `Reload the session's messages (GET /api/sessions/${sessionId}/messages) for what happened meanwhile.`,
  };
}
