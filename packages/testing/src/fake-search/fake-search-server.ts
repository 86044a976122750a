/**
 * A local HTTP server standing in for a search API (SearXNG, Brave): each request gets the next
 * scripted answer (JSON, raw text such as malformed JSON, or no answer at all) and is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedSearchRequest {
  method: string;
  /** The path, e.g. "/search". */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export type FakeSearchReply =
  | { kind: "json"; status?: number; body: unknown }
  | { kind: "raw"; status?: number; contentType?: string; body: string }
  /** Accepts the request and never answers (until the server closes). */
  | { kind: "hang" };

export class FakeSearchServer {
  readonly requests: RecordedSearchRequest[] = [];
  private readonly replies: FakeSearchReply[] = [];
  private fallback: FakeSearchReply | undefined;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeSearchServer> {
    const server = createServer();
    const fake = new FakeSearchServer(server);
    server.on("request", (req, res) => {
      const url = new URL(req.url ?? "/", "http://fake");
      fake.requests.push({ method: req.method ?? "", path: url.pathname, query: url.searchParams, headers: req.headers });
      req.resume();
      req.on("end", () => fake.answer(res));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return fake;
  }

  /** The server's origin, e.g. "http://127.0.0.1:41234". */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Queues the answer to the next request. */
  reply(reply: FakeSearchReply): this {
    this.replies.push(reply);
    return this;
  }

  /** The answer to every request once the queue is empty (by default a 500 saying none was scripted). */
  always(reply: FakeSearchReply): this {
    this.fallback = reply;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  private answer(res: ServerResponse): void {
    const reply = this.replies.shift() ?? this.fallback;
    if (!reply) {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: "fake search server: no reply scripted" }));
      return;
    }
    if (reply.kind === "hang") return;
    if (reply.kind === "raw") {
      res.writeHead(reply.status ?? 200, { "content-type": reply.contentType ?? "application/json" }).end(reply.body);
      return;
    }
    res.writeHead(reply.status ?? 200, { "content-type": "application/json" }).end(JSON.stringify(reply.body));
  }
}
