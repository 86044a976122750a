/**
 * The contract's error body `{ error: { code, message, type, reason } }` of a failure, framework
 * free: the API's exception filter and the stream gateway answer with it alike. An AppError says
 * what was wrong; anything else is a 500 with an id that is also in the log, never internals.
 */
import { randomUUID } from "node:crypto";
import { AppError, type ErrorReason, type ErrorResponse, type ErrorType } from "@mix/core/streaming";

export interface ErrorAnswer {
  status: number;
  body: ErrorResponse;
}

/** Where a 5xx is reported (Nest's Logger and pino both fit). */
export interface ErrorLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export const errorAnswer = (status: number, message: string, type: ErrorType, reason: ErrorReason): ErrorAnswer => ({
  status,
  body: { error: { code: status, message, type, reason } },
});

export function appErrorAnswer(exception: unknown, logger: ErrorLogger): ErrorAnswer {
  if (exception instanceof AppError) {
    if (exception.status >= 500) logger.warn({ status: exception.status, reason: exception.reason }, exception.message);
    return errorAnswer(exception.status, exception.message, exception.type, exception.reason);
  }
  const errorId = randomUUID();
  logger.error({ errorId, err: exception }, `unhandled error ${errorId}`);
  return errorAnswer(500, `Internal server error (id ${errorId})`, "internal_error", "internal");
}
