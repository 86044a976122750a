/** Local stand-ins for public hosts, and clients that talk to the egress proxy's Unix socket the way real ones do. */
import { once } from "node:events";
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { waitFor } from "@mix/testing";

export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on 127.0.0.1 that records what reaches it and answers `hello from <path>`. */
export async function startRecordingServer(): Promise<{ port: number; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const server = http.createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += chunk;
    seen.push({ method: request.method ?? "", url: request.url ?? "", headers: request.headers, body });
    // Headers of this hop that the proxy must not pass back, and one that must arrive.
    response.writeHead(201, { "content-type": "text/plain", "keep-alive": "timeout=99", "proxy-authenticate": "Basic", "x-answer": "yes" });
    response.end(request.method === "POST" ? `got ${body.length} bytes` : `hello from ${request.url}`);
  });
  return { port: await listenLocal(server), seen, close: () => closeServer(server) };
}

/** A TCP server on 127.0.0.1 that sends back what it receives; `open` counts its live connections. */
export async function startEchoServer(): Promise<{ port: number; open(): number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  const port = await listenLocal(server);
  return {
    port,
    open: () => sockets.size,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await closeServer(server);
    },
  };
}

/** A TCP server on 127.0.0.1 that resets every connection as soon as bytes arrive. */
export async function startResettingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.once("data", () => socket.resetAndDestroy());
  });
  return { port: await listenLocal(server), close: () => closeServer(server) };
}

async function listenLocal(server: net.Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
}

export interface ProxyAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A plain-HTTP proxy request (absolute URI on the request line) sent to the proxy socket. */
export function requestThroughProxy(
  socketPath: string,
  target: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<ProxyAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { socketPath, agent: false, method: options.method ?? "GET", path: target, headers: options.headers, timeout: 10_000 },
      async (response) => {
        let body = "";
        for await (const chunk of response) body += chunk;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body });
      },
    );
    request.on("timeout", () => request.destroy(new Error(`no answer for ${target}`)));
    request.on("error", reject);
    request.end(options.body);
  });
}

/** A raw connection to the proxy socket, for CONNECT and for requests no HTTP client would send. */
export class RawClient {
  private received = Buffer.alloc(0);
  private closed = false;

  private constructor(readonly socket: net.Socket) {
    socket.on("data", (chunk: Buffer) => (this.received = Buffer.concat([this.received, chunk])));
    socket.on("error", () => socket.destroy());
    socket.on("close", () => (this.closed = true));
  }

  static async open(socketPath: string): Promise<RawClient> {
    const socket = net.connect(socketPath);
    await once(socket, "connect");
    return new RawClient(socket);
  }

  get text(): string {
    return this.received.toString("utf8");
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Waits until what has arrived contains `expected`, and returns all of it. */
  waitForText(expected: string, timeoutMs = 5_000): Promise<string> {
    return waitFor(() => this.text.includes(expected) && this.text, { timeoutMs, what: JSON.stringify(expected) }).catch((error: Error) => {
      throw new Error(`${error.message}; received ${JSON.stringify(this.text)}`);
    });
  }

  /** Waits for a complete proxy answer (its head, and as much body as content-length says) and parses it. */
  async answer(timeoutMs = 5_000): Promise<ProxyAnswer> {
    const text = await this.waitForText("\r\n\r\n", timeoutMs);
    const head = text.slice(0, text.indexOf("\r\n\r\n"));
    const headers: http.IncomingHttpHeaders = {};
    for (const line of head.split("\r\n").slice(1)) headers[line.slice(0, line.indexOf(":")).toLowerCase()] = line.slice(line.indexOf(":") + 1).trim();
    const start = Buffer.byteLength(head) + 4;
    const end = start + Number(headers["content-length"] ?? 0);
    await waitFor(() => this.received.length >= end, { timeoutMs, what: "the answer's body" });
    return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(head)?.[1] ?? 0), headers, body: this.received.subarray(start, end).toString("utf8") };
  }

  /** Waits until the proxy has closed the connection. */
  waitForClose(timeoutMs = 5_000): Promise<true> {
    return waitFor(() => this.closed, { timeoutMs, what: "the proxy to close the connection" });
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** CONNECTs to `authority` and returns the client and the proxy's answer. */
export async function connectThroughProxy(socketPath: string, authority: string): Promise<{ client: RawClient; answer: ProxyAnswer }> {
  const client = await RawClient.open(socketPath);
  client.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\n\r\n`);
  return { client, answer: await client.answer() };
}
