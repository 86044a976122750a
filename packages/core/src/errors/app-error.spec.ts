/** AppError: the contract's type stays in its enum, and every error has a precise reason. */
import { ErrorReason, ErrorType } from "../contracts";
import {
  AppError,
  badRequest,
  conflict,
  notFound,
  payloadTooLarge,
  rateLimited,
  reasonForStatus,
  unauthorized,
  unprocessable,
  validationError,
} from "./app-error";

it.each([
  [notFound("Session"), 404, "not_found", "not_found"],
  [validationError("x"), 400, "validation_error", "validation_failed"],
  [badRequest("x"), 400, "bad_request", "invalid_request"],
  [badRequest("x", "unsupported_media_type"), 400, "bad_request", "unsupported_media_type"],
  [conflict("x"), 409, "bad_request", "conflict"],
  [unauthorized("x"), 401, "unauthorized", "unauthorized"],
  [payloadTooLarge("x"), 413, "validation_error", "too_large"],
  [rateLimited("x"), 429, "bad_request", "rate_limited"],
  [unprocessable("x"), 422, "validation_error", "idempotency_mismatch"],
] as const)("%o is %i %s (%s)", (error, status, type, reason) => {
  expect({ status: error.status, type: error.type, reason: error.reason }).toEqual({ status, type, reason });
  expect(ErrorType.options).toContain(error.type);
});

it("derives the reason from the status when none is given", () => {
  expect(new AppError(422, "validation_error", "x").reason).toBe("idempotency_mismatch");
  expect(new AppError(416, "bad_request", "x").reason).toBe("range_not_satisfiable");
  expect(new AppError(502, "internal_error", "x").reason).toBe("upstream_failed");
  expect(reasonForStatus(418)).toBe("invalid_request");
  expect(reasonForStatus(507)).toBe("internal");
  for (const status of [400, 401, 404, 409, 413, 415, 416, 422, 429, 500, 501, 502, 503, 504]) expect(ErrorReason.options).toContain(reasonForStatus(status));
});
