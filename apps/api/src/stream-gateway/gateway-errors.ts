/** The gateway's answers that are not a stream: the contract's error body, as the API's filter writes it. */
import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { AppError, reasonForStatus, type ErrorResponse, type Logger } from "@mix/core/streaming";

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) }).end(text);
}

/** A 4xx says what was wrong; anything else is a 500 with an id that is also in the log, never its internals. */
export function sendError(response: ServerResponse, error: unknown, logger: Logger): void {
  if (response.headersSent) {
    // The stream had begun: only cutting the connection tells the client the rest is missing.
    if (!response.writableEnded) response.destroy();
    return;
  }
  let body: ErrorResponse;
  if (error instanceof AppError) {
    if (error.status >= 500) logger.warn({ status: error.status, reason: error.reason }, error.message);
    body = { error: { code: error.status, message: error.message, type: error.type, reason: error.reason } };
  } else {
    const errorId = randomUUID();
    logger.error({ errorId, err: error }, `unhandled error ${errorId}`);
    body = { error: { code: 500, message: `Internal server error (id ${errorId})`, type: "internal_error", reason: "internal" } };
  }
  sendJson(response, body.error.code, body);
}

export function routeNotFound(response: ServerResponse): void {
  sendJson(response, 404, { error: { code: 404, message: "Route not found", type: "not_found", reason: reasonForStatus(404) } });
}
