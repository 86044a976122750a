/**
 * Expected failures of application services. Each carries the HTTP status, the contract's
 * error `type` and a precise `reason`, so every transport (REST, MCP) reports it the same way.
 */
import type { ErrorReason, ErrorType } from "../contracts";

export class AppError extends Error {
  override name = "AppError";
  readonly reason: ErrorReason;
  constructor(
    readonly status: number,
    readonly type: ErrorType,
    message: string,
    /** Defaults to the reason of the status (see reasonForStatus). */
    reason?: ErrorReason,
  ) {
    super(message);
    this.reason = reason ?? reasonForStatus(status, type);
  }
}

const REASON_BY_STATUS: Record<number, ErrorReason> = {
  401: "unauthorized",
  402: "credits_exhausted",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  415: "unsupported_media_type",
  416: "range_not_satisfiable",
  // The API's only 422: an Idempotency-Key reused for a different request.
  422: "idempotency_mismatch",
  429: "rate_limited",
  500: "internal",
  501: "not_implemented",
  502: "upstream_failed",
  503: "unavailable",
  504: "timeout",
};

/** The reason of an error that names none: by its status; a 400 by its type. */
export function reasonForStatus(status: number, type?: ErrorType): ErrorReason {
  if (status === 400) return type === "validation_error" ? "validation_failed" : "invalid_request";
  return REASON_BY_STATUS[status] ?? (status >= 500 ? "internal" : "invalid_request");
}

export const notFound = (what: string) => new AppError(404, "not_found", `${what} not found`);
export const validationError = (message: string) => new AppError(400, "validation_error", message);
export const badRequest = (message: string, reason?: ErrorReason) => new AppError(400, "bad_request", message, reason);
export const conflict = (message: string) => new AppError(409, "bad_request", message, "conflict");
export const unauthorized = (message: string) => new AppError(401, "unauthorized", message, "unauthorized");
export const payloadTooLarge = (message: string) => new AppError(413, "validation_error", message, "too_large");
/** 403: the key is valid but its role may not do this (contracts/roles.ts), or the plan does not include it. */
export const forbidden = (message: string, reason: ErrorReason = "forbidden") => new AppError(403, "unauthorized", message, reason);
/** 402: the workspace's credits are used up; waiting does not help, a top-up or the next monthly grant does. */
export const paymentRequired = (message: string) => new AppError(402, "bad_request", message, "credits_exhausted");
export const rateLimited = (message: string) => new AppError(429, "bad_request", message, "rate_limited");
/** 422: the request is well formed but contradicts an earlier one (an Idempotency-Key reused with another body). */
export const unprocessable = (message: string, reason: ErrorReason = "idempotency_mismatch") => new AppError(422, "validation_error", message, reason);
