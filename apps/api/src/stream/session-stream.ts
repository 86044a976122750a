/**
 * Serving one session's SSE stream, framework-free: the API's `GET /stream` route and the
 * stream gateway (a process that serves streams alone) both call `serve` after they
 * authenticated the request, so a stream behaves the same whichever of them holds it.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  forbidden,
  openSessionEventStream,
  REPLAY_UNAVAILABLE,
  validationError,
  type EventFanout,
  type EventLog,
  type EventPayload,
  type NotificationsService,
  type Principal,
  type ReplayGap,
  type StreamSlots,
  type StreamTokenPrincipal,
} from "@mix/core/streaming";
import { knowsNotificationEvents } from "../common/mix-sdk-user-agent";
import { HeartbeatClock } from "./heartbeat-clock";
import { SseConnection } from "./sse-connection";
import { StreamSlot, type SlotLogger } from "./stream-slot";

export interface SessionStreamsDeps {
  events: EventLog;
  fanout: EventFanout;
  slots: StreamSlots;
  notifications: NotificationsService;
  /** Resolves when the session is the workspace's; otherwise throws the 404. */
  requireSession(workspaceId: string, sessionId: string): Promise<unknown>;
  settings: { heartbeatMs: number; maxBufferedBytes: number; retryMs: number };
  logger: SlotLogger & { error(details: object, message: string): void };
}

/** What the request asks for: the session, and where to resume (the header wins over the query). */
export interface StreamRequest {
  sessionId: unknown;
  lastEventIdHeader: string | undefined;
  lastEventIdQuery: unknown;
}

const isStreamTokenPrincipal = (principal: Principal): principal is StreamTokenPrincipal => "streamSessionId" in principal;

function parseEventId(raw: unknown): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (typeof raw !== "string" || !/^\d{1,15}$/.test(raw)) throw validationError("Last-Event-ID must be a non-negative integer event id");
  return Number(raw);
}

export class SessionStreams {
  /** One heartbeat timer for all of this process's streams. */
  private readonly heartbeats: HeartbeatClock;

  constructor(private readonly deps: SessionStreamsDeps) {
    this.heartbeats = new HeartbeatClock(deps.settings.heartbeatMs);
  }

  /**
   * Checks the request (a bad one throws its 4xx before any byte is written), then streams:
   * without a last id, live events from now on; with one, every logged event after it first.
   */
  async serve(principal: Principal, asked: StreamRequest, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { deps } = this;
    const sessionId = asked.sessionId;
    if (!sessionId || typeof sessionId !== "string") throw validationError("sessionId query parameter is required");
    if (isStreamTokenPrincipal(principal) && principal.streamSessionId !== sessionId) {
      throw forbidden("This stream token opens another session's stream: mint one for this session");
    }
    const requested = parseEventId(asked.lastEventIdHeader ?? asked.lastEventIdQuery);
    await deps.requireSession(principal.workspaceId, sessionId);

    const startId = requested ?? (await deps.events.lastId(sessionId));
    const slot = await StreamSlot.take(deps.slots, principal.apiKeyId, response, deps.logger);
    const connection = new SseConnection(response, startId, {
      heartbeats: this.heartbeats,
      maxBufferedBytes: deps.settings.maxBufferedBytes,
      retryMs: deps.settings.retryMs,
      onOverflow: (bytes) => deps.logger.warn({ sessionId, bytes }, "SSE client too slow; disconnected so it resumes from its last id"),
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
        deps.events,
        deps.fanout,
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
            deps.logger.warn({ err: error, sessionId }, "stream could not catch up after a reconnect; closing it");
            finish();
          },
        },
      );
      if (gone) stream.close();
      else await this.showPending(principal.workspaceId, sessionId, connection, { startId, notifications });
    } catch (error) {
      deps.logger.error({ err: error, sessionId }, "could not open session stream");
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
    const pending = await this.deps.notifications.pending(workspaceId, sessionId, options.startId);
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
