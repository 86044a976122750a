/** The proxy's own answers: an HTTP status with a one-line plain-text reason, on a raw socket or a response. */
import { STATUS_CODES, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

/** Answers on a socket no HTTP response object owns (CONNECT, a refused connection, a malformed request), then closes it. */
export function answerOnSocket(socket: Duplex, status: number, reason: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = `${reason}\n`;
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n`;
  // Destroyed once written rather than left half open, so a client that never closes its side
  // does not hold a connection slot.
  socket.end(head + body, () => socket.destroy());
}

export function answerOnResponse(response: ServerResponse, status: number, reason: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const body = `${reason}\n`;
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body);
}
