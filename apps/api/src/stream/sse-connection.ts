/**
 * One client's SSE connection: frames events, sends heartbeats, and cuts the client off when
 * it stops reading (its unread bytes pass the limit) instead of dropping events silently;
 * the client then resumes from its last id with Last-Event-ID.
 */
import type { ServerResponse } from "node:http";
import { publishedJson, sseClosed, sseEventSent, sseOpened, type EventName, type EventPayload, type LoggedEvent } from "@mix/core/streaming";
import type { HeartbeatClock } from "./heartbeat-clock";

export interface SseConnectionOptions {
  /** The process's heartbeat timer, shared by its streams. */
  heartbeats: HeartbeatClock;
  maxBufferedBytes: number;
  retryMs: number;
  onOverflow: (bufferedBytes: number) => void;
  /** After each heartbeat is written: what must stay alive exactly as long as the stream does. */
  onHeartbeat?: () => void;
}

export function formatSseFrame(id: string | undefined, event: string, data: unknown, retryMs?: number): string {
  return sseFrame(id, event, JSON.stringify(data), retryMs);
}

/** A frame around data that is JSON already (JSON text holds no line break: one `data:` line). */
function sseFrame(id: string | undefined, event: string, json: string, retryMs?: number): string {
  return `${retryMs ? `retry: ${retryMs}\n` : ""}${id !== undefined ? `id: ${id}\n` : ""}event: ${event}\ndata: ${json}\n\n`;
}

/** Each live event's frame, made once for every stream of the process that sends it. */
const frames = new WeakMap<LoggedEvent, string>();

/**
 * The frame of a logged event. A live event's data goes out as the JSON text it was published
 * with, unparsed; one read from the log (a replay) is encoded again.
 */
export function loggedEventFrame(event: LoggedEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = sseFrame(event.id, event.event, publishedJson(event) ?? JSON.stringify(event.data));
    frames.set(event, frame);
  }
  return frame;
}

const HEARTBEAT_DATA = JSON.stringify({ type: "ping" });

/** The connections holding frames until the end of this tick (SseConnection.write), written together then. */
let holding: SseConnection[] = [];

function writeHeldFrames(): void {
  const connections = holding;
  holding = [];
  for (const connection of connections) connection.writeHeld();
}

export class SseConnection {
  private stopHeartbeats?: () => void;
  private lastId: string;
  private closed = false;
  /** Frames written this tick, not yet handed to the response (see write). */
  private held = "";
  /** Counted in mix_sse_connections_open until it closes, once. */
  private counted = false;

  constructor(
    private readonly response: ServerResponse,
    startId: number,
    private readonly options: SseConnectionOptions,
  ) {
    this.lastId = String(startId);
  }

  open(sessionId: string): void {
    this.response.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    this.response.flushHeaders();
    sseOpened();
    this.counted = true;
    // `connected` and heartbeats carry the id of the last log event delivered, so a client
    // that reconnects after them resumes from the right place.
    this.write(formatSseFrame(this.lastId, "connected", { sessionId }, this.options.retryMs));
    this.stopHeartbeats = this.options.heartbeats.join(this);
  }

  /** On the shared clock's tick. */
  beat(): void {
    this.write(sseFrame(this.lastId, "heartbeat", HEARTBEAT_DATA));
    if (!this.closed) this.options.onHeartbeat?.();
  }

  /** A message to this client only (not in the log): it carries the id to resume from, like a heartbeat. */
  notice<E extends EventName>(event: E, data: EventPayload<E>): void {
    this.write(formatSseFrame(this.lastId, event, data));
    if (!this.closed) sseEventSent(event);
  }

  send(event: LoggedEvent): void {
    this.lastId = event.id;
    this.write(loggedEventFrame(event));
    if (!this.closed) sseEventSent(event.event);
  }

  /** While replaying, lets the client catch up instead of piling a whole backlog in memory. */
  waitForDrain(): Promise<void> | undefined {
    const limit = this.options.maxBufferedBytes / 2;
    if (this.closed || this.response.writableLength + this.held.length < limit) return undefined;
    // Only what the response holds can drain, and only after a write it refused ('drain' follows no other).
    this.writeHeld();
    if (this.response.writableLength < limit || !this.response.writableNeedDrain) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        this.response.off("drain", done);
        this.response.off("close", done);
        resolve();
      };
      this.response.on("drain", done);
      this.response.on("close", done);
    });
  }

  close(): void {
    if (this.closed) return;
    this.writeHeld();
    this.closed = true;
    this.uncount();
    this.stopHeartbeats?.();
    if (!this.response.writableEnded) this.response.end();
  }

  private uncount(): void {
    if (!this.counted) return;
    this.counted = false;
    sseClosed();
  }

  /**
   * A client is too slow when it has not read what it was already sent: the backlog before
   * this frame decides, so one large event (a long final answer) never trips the limit alone.
   */
  private write(frame: string): void {
    if (this.closed) return;
    // Held frames count by their length: a tick's worth, next to what the response holds.
    const backlog = this.response.writableLength + this.held.length;
    if (backlog > this.options.maxBufferedBytes) {
      this.options.onOverflow(backlog);
      this.closed = true;
      this.held = "";
      this.uncount();
      this.stopHeartbeats?.();
      this.response.destroy();
      return;
    }
    // The frames of one tick (a published burst is handed on in one) go out in one write: one
    // chunk of the chunked encoding and its framing, not one per event.
    if (this.held === "" && holding.push(this) === 1) process.nextTick(writeHeldFrames);
    this.held += frame;
  }

  /** Hands the frames held this tick to the response (at the end of the tick, or before closing or draining). */
  writeHeld(): void {
    const held = this.held;
    if (held === "") return;
    this.held = "";
    if (!this.closed && !this.response.destroyed && !this.response.writableEnded) this.response.write(held);
  }
}
