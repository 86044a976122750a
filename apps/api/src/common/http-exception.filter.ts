/**
 * The one place that turns any failure into the contract's error body
 * `{ error: { code, message, type, reason } }`. Unexpected errors answer 500 with an id that is
 * also in the log, and never leak internals.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from "@nestjs/common";
import { randomUUID } from "node:crypto";
import { AppError, reasonForStatus, type ErrorReason, type ErrorResponse, type ErrorType } from "@mix/core";
import type { Response } from "express";

// Within the contract's enum, which strict clients validate; `reason` says the rest.
const TYPE_BY_STATUS: Record<number, ErrorType> = {
  400: "bad_request",
  401: "unauthorized",
  404: "not_found",
  413: "validation_error",
  422: "validation_error",
};

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger("HttpExceptionFilter");

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toErrorResponse(exception);
    if (response.headersSent) {
      // Part of the answer is out already: only cutting the connection tells the client that
      // the rest is missing (ending it would make a cut-short download look complete).
      if (!response.writableEnded) response.destroy();
      return;
    }
    response.status(status).json(body);
  }

  toErrorResponse(exception: unknown): { status: number; body: ErrorResponse } {
    const make = (status: number, message: string, type: ErrorType, reason: ErrorReason) => ({
      status,
      body: { error: { code: status, message, type, reason } },
    });
    if (exception instanceof AppError) {
      if (exception.status >= 500) this.logger.warn({ status: exception.status, reason: exception.reason }, exception.message);
      return make(exception.status, exception.message, exception.type, exception.reason);
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const message = status === 404 ? "Route not found" : exception.message;
        return make(status, message, TYPE_BY_STATUS[status] ?? "bad_request", reasonForStatus(status));
      }
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, `unhandled error ${errorId}`);
    return make(500, `Internal server error (id ${errorId})`, "internal_error", "internal");
  }
}
