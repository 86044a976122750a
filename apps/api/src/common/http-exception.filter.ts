/**
 * The one place that turns any failure into the contract's error body
 * `{ error: { code, message, type, reason } }`. Unexpected errors answer 500 with an id that is
 * also in the log, and never leak internals.
 */
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from "@nestjs/common";
import { reasonForStatus, type ErrorType } from "@mix/core";
import type { Response } from "express";
import { appErrorAnswer, errorAnswer, type ErrorAnswer } from "./error-body";

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

  toErrorResponse(exception: unknown): ErrorAnswer {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status < 500) {
        const message = status === 404 ? "Route not found" : exception.message;
        return errorAnswer(status, message, TYPE_BY_STATUS[status] ?? "bad_request", reasonForStatus(status));
      }
    }
    return appErrorAnswer(exception, this.logger);
  }
}
