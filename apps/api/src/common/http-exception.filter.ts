/**
 * The one place that turns any failure into the contract's error body
 * `{ error: { code, message, type } }`. Unexpected errors answer 500 with an id that is also
 * in the log, and never leak internals.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from "@nestjs/common";
import { randomUUID } from "node:crypto";
import { AppError, type ErrorResponse, type ErrorType } from "@mix/core";
import type { Response } from "express";

const TYPE_BY_STATUS: Record<number, ErrorType> = { 400: "bad_request", 401: "unauthorized", 404: "not_found" };

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger("HttpExceptionFilter");

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = this.toErrorResponse(exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  toErrorResponse(exception: unknown): { status: number; body: ErrorResponse } {
    const make = (status: number, message: string, type: ErrorType) => ({ status, body: { error: { code: status, message, type } } });
    if (exception instanceof AppError) return make(exception.status, exception.message, exception.type);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const message = status === 404 ? "Route not found" : exception.message;
        return make(status, message, TYPE_BY_STATUS[status] ?? (status === 422 ? "validation_error" : "bad_request"));
      }
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: exception }, `unhandled error ${errorId}`);
    return make(500, `Internal server error (id ${errorId})`, "internal_error");
  }
}
