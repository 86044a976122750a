/**
 * A small, strict SSE client over node:http for tests and the benchmark: records every event
 * with its id, sends Last-Event-ID when asked, and exposes bounded waits on what arrived.
 */
import http from "node:http";
import { parseSseFrame } from "./sse-frame";
import { waitFor } from "./wait-for";

export interface SseEvent {
  id?: string;
  event: string;
  data: Record<string, unknown>;
  receivedAt: number;
}

export interface SseClientOptions {
  headers?: Record<string, string>;
  lastEventId?: string;
}

export class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  headers: http.IncomingHttpHeaders = {};
  ended = false;
  private request?: http.ClientRequest;
  private body = "";

  private constructor() {}

  static async connect(url: string, options: SseClientOptions = {}): Promise<SseClient> {
    const client = new SseClient();
    await client.open(url, options);
    return client;
  }

  /** Events other than connected/heartbeat, i.e. those from the session log. */
  get logEvents(): SseEvent[] {
    return this.events.filter((event) => event.event !== "connected" && event.event !== "heartbeat");
  }

  waitForEvent(predicate: (event: SseEvent) => boolean, timeoutMs = 10_000, what = "an event"): Promise<SseEvent> {
    return waitFor(() => this.events.find(predicate), { timeoutMs, what, intervalMs: 5 });
  }

  /** Waits for the n-th (1-based) event matching `predicate`. */
  waitForCount(predicate: (event: SseEvent) => boolean, count: number, timeoutMs = 10_000): Promise<SseEvent[]> {
    return waitFor(
      () => {
        const found = this.events.filter(predicate);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs, what: `${count} matching events (have ${this.events.filter(predicate).length})`, intervalMs: 5 },
    );
  }

  /** The raw body received so far (for non-SSE error answers). */
  get rawBody(): string {
    return this.body;
  }

  close(): void {
    this.request?.destroy();
  }

  private open(url: string, options: SseClientOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = { accept: "text/event-stream", ...options.headers };
      if (options.lastEventId !== undefined) headers["last-event-id"] = options.lastEventId;
      this.request = http.get(url, { headers }, (response) => {
        this.status = response.statusCode ?? 0;
        this.headers = response.headers;
        response.setEncoding("utf8");
        let pending = "";
        response.on("data", (chunk: string) => {
          this.body += this.status === 200 ? "" : chunk;
          // Look for a frame end only in the new bytes (and the one before them): rescanning a
          // large frame from its start on every chunk would be quadratic.
          let from = Math.max(0, pending.length - 1);
          pending += chunk;
          let boundary: number;
          while ((boundary = pending.indexOf("\n\n", from)) >= 0) {
            this.parseFrame(pending.slice(0, boundary));
            pending = pending.slice(boundary + 2);
            from = 0;
          }
        });
        response.on("close", () => {
          this.ended = true;
        });
        resolve();
      });
      this.request.on("error", (error) => {
        this.ended = true;
        if (!this.status) reject(error);
      });
    });
  }

  private parseFrame(raw: string): void {
    const frame = parseSseFrame(raw);
    if (!frame.hasData) return;
    this.events.push({ id: frame.id, event: frame.event, data: JSON.parse(frame.data), receivedAt: Date.now() });
  }
}
