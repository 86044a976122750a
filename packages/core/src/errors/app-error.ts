/**
 * Expected failures of application services. Each carries the HTTP status and the contract's
 * error `type`, so every transport (REST, MCP) reports it the same way.
 */
import type { ErrorType } from "../contracts";

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const validationError = (message: string) => new AppError(400, "validation_error", message);
export const badRequest = (message: string) => new AppError(400, "bad_request", message);
export const conflict = (message: string) => new AppError(409, "bad_request", message);
export const unauthorized = (message: string) => new AppError(401, "unauthorized", message);
export const payloadTooLarge = (message: string) => new AppError(413, "validation_error", message);
