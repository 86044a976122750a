/**
 * A local HTTP server standing in for a model provider: it answers each request with the next
 * scripted reply (an SSE stream or a JSON error) and records what it was sent.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  /** Path with query string, e.g. "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse". */
  path: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed. Tests read it field by field, as the provider's own docs describe it. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- an arbitrary provider request body
  body: any;
}

export type FakeReply =
  /** Writes each frame ("event: x\ndata: {...}") followed by a blank line; `holdOpen` leaves the stream unfinished. */
  { kind: "sse"; frames: string[]; holdOpen?: boolean } | { kind: "json"; status: number; body: unknown; headers?: Record<string, string> };

export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /** How many replies ended because the client went away before the server finished. */
  clientDisconnects = 0;
  private readonly replies: FakeReply[] = [];

  private constructor(private readonly server: Server) {}

  /**
   * `check` validates each request body as the real API would (e.g. anthropicReceivedMedia: its
   * images and documents); a body it throws for is recorded and answered 400 with its message.
   */
  static async start(
    options: {
      check?: (body: RecordedRequest["body"]) => unknown;
      /** Answers each request from what it holds, where no scripted reply is queued (a simulated provider). */
      respond?: (request: RecordedRequest) => FakeReply;
    } = {},
  ): Promise<FakeHttpServer> {
    const server = createServer();
    const fake = new FakeHttpServer(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        const recorded = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body: text ? JSON.parse(text) : undefined };
        fake.requests.push(recorded);
        const refusal = fake.refusal(options.check, recorded.body);
        if (refusal !== null) {
          // One body every format's error parser reads: Anthropic's `type`, OpenAI's and Gemini's `error` fields.
          const error = { type: "invalid_request_error", message: refusal, code: 400, status: "INVALID_ARGUMENT" };
          res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ type: "error", error }));
          return;
        }
        fake.answer(res, () => options.respond?.(recorded));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** The server's origin, e.g. "http://127.0.0.1:41234" (append the provider's API prefix). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues the reply to the next request. */
  reply(reply: FakeReply): this {
    this.replies.push(reply);
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  /** Requests the check refused, with why. */
  readonly refused: string[] = [];

  private refusal(check: ((body: RecordedRequest["body"]) => unknown) | undefined, body: RecordedRequest["body"]): string | null {
    if (!check) return null;
    try {
      check(body);
      return null;
    } catch (error) {
      const message = (error as Error).message;
      this.refused.push(message);
      return message;
    }
  }

  private answer(res: ServerResponse, respond: () => FakeReply | undefined): void {
    const reply = this.replies.shift() ?? respond();
    if (!reply) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "fake server: no reply scripted" } }));
      return;
    }
    if (reply.kind === "json") {
      res.writeHead(reply.status, { "content-type": "application/json", ...reply.headers }).end(JSON.stringify(reply.body));
      return;
    }
    res.on("close", () => {
      if (!res.writableFinished) this.clientDisconnects++;
    });
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const frame of reply.frames) res.write(`${frame}\n\n`);
    if (!reply.holdOpen) res.end();
  }
}
