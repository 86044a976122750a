/**
 * A session's live events over the browser's own EventSource. EventSource cannot send an
 * Authorization header, so each connection is opened with a short-lived stream token minted
 * with the key. EventSource reconnects by itself (with Last-Event-ID); once it gives up (the
 * token expired, or the server refused), a new token is minted and the stream reopened from
 * the last event held. Nothing is passed on twice: log events are deduped by their id, and the
 * permission and notification frames a server shows again on connect (which carry the resume
 * id, not their own) by their data.id.
 */
import type { Api } from "./api";
import type { StreamEvent } from "./types";

export type StreamStatus = "connecting" | "open" | "reconnecting" | "stopped";

const EVENT_NAMES = [
  "connected",
  "heartbeat",
  "error",
  "complete",
  "thinking",
  "content",
  "tool_use_start",
  "tool_use_parameter_delta",
  "tool_use_parameter_streaming_complete",
  "tool_execution_start",
  "tool_execution_complete",
  "permission",
  "notification",
  "user_message_created",
  "session_created",
  "session_deleted",
];
/** Shown again on every connect while they wait: deduped by what they ask, not by frame id. */
const REQUEST_EVENTS = new Set(["permission", "notification"]);

export interface SessionStreamHandlers {
  onEvent(event: StreamEvent): void;
  onStatus(status: StreamStatus, detail?: string): void;
}

export class SessionStream {
  private source?: EventSource;
  /** The id of the last log event held; undefined until the first `connected`. */
  private lastId?: number;
  private readonly seenRequests = new Set<string>();
  private stopped = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private failures = 0;

  constructor(
    private readonly api: Api,
    private readonly sessionId: string,
    private readonly handlers: SessionStreamHandlers,
  ) {}

  start(): void {
    this.handlers.onStatus("connecting");
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.source?.close();
    this.handlers.onStatus("stopped");
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      ({ token } = await this.api.streamToken(this.sessionId));
    } catch (error) {
      this.scheduleReopen(error instanceof Error ? error.message : String(error));
      return;
    }
    if (this.stopped) return;
    const query = new URLSearchParams({ sessionId: this.sessionId, token });
    if (this.lastId !== undefined) query.set("lastEventId", String(this.lastId));
    const source = new EventSource(`/stream?${query.toString()}`);
    this.source = source;
    for (const name of EVENT_NAMES) source.addEventListener(name, (message) => this.receive(name, message as MessageEvent<string>));
    source.onerror = () => {
      if (this.stopped || source !== this.source) return;
      // CONNECTING: EventSource retries by itself with Last-Event-ID. CLOSED: it gave up.
      if (source.readyState === EventSource.CLOSED) this.scheduleReopen("the stream was refused");
      else this.handlers.onStatus("reconnecting", "connection lost, reconnecting");
    };
  }

  private scheduleReopen(detail: string): void {
    this.source?.close();
    this.source = undefined;
    this.failures += 1;
    this.handlers.onStatus("reconnecting", detail);
    const delay = Math.min(5_000, 250 * 2 ** Math.min(this.failures, 5));
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private receive(name: string, message: MessageEvent<string>): void {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(message.data) as Record<string, unknown>;
    } catch {
      return; // Not JSON: no frame of this API; nothing to show.
    }
    const id = Number(message.lastEventId);
    if (name === "connected" || name === "heartbeat") {
      if (name === "connected") {
        this.failures = 0;
        if (this.lastId === undefined && Number.isFinite(id)) this.lastId = id;
      }
      this.handlers.onStatus("open");
      return;
    }
    if (REQUEST_EVENTS.has(name)) {
      const requestId = typeof data.id === "string" ? data.id : undefined;
      if (!requestId || this.seenRequests.has(requestId)) return;
      this.seenRequests.add(requestId);
      if (Number.isFinite(id) && (this.lastId === undefined || id > this.lastId)) this.lastId = id;
    } else if (name === "error" && data.type === "replay_unavailable") {
      // A notice, not a log event: the transcript must be reloaded from the stored messages.
    } else {
      if (!Number.isFinite(id) || (this.lastId !== undefined && id <= this.lastId)) return;
      this.lastId = id;
    }
    this.handlers.onEvent({ id: message.lastEventId, event: name, data });
  }
}
