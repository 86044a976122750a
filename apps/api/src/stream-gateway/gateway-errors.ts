/** The gateway's answers that are not a stream: the contract's error body, as the API's filter writes it (common/error-body.ts). */
import type { ServerResponse } from "node:http";
import { reasonForStatus, type Logger } from "@mix/core/streaming";
import { appErrorAnswer, errorAnswer } from "../common/error-body";

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(text) }).end(text);
}

/** A 4xx says what was wrong; anything else is a 500 with an id that is also in the log. */
export function sendError(response: ServerResponse, error: unknown, logger: Logger): void {
  if (response.headersSent) {
    // The stream had begun: only cutting the connection tells the client the rest is missing.
    if (!response.writableEnded) response.destroy();
    return;
  }
  const { status, body } = appErrorAnswer(error, logger);
  sendJson(response, status, body);
}

export function routeNotFound(response: ServerResponse): void {
  const { status, body } = errorAnswer(404, "Route not found", "not_found", reasonForStatus(404));
  sendJson(response, status, body);
}
