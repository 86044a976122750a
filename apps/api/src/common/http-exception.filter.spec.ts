/** HttpExceptionFilter: each failure's body, and a 500's id in its log line too. */
import { HttpException, Logger, NotFoundException, type LoggerService } from "@nestjs/common";
import { AppError, conflict, unprocessable } from "@mix/core";
import { HttpExceptionFilter } from "./http-exception.filter";

const logged: { message: unknown; params: unknown[] }[] = [];
const recorder: LoggerService = {
  log: () => undefined,
  warn: (message: unknown, ...params: unknown[]) => logged.push({ message, params }),
  error: (message: unknown, ...params: unknown[]) => logged.push({ message, params }),
};
beforeAll(() => Logger.overrideLogger(recorder));
beforeEach(() => logged.splice(0));

const filter = new HttpExceptionFilter();

it("answers an unexpected error with 500 and an id that the log line carries with the error", () => {
  const failure = new Error("a bug with internals in its message");
  const { status, body } = filter.toErrorResponse(failure);
  const errorId = /\(id ([0-9a-f-]{36})\)$/.exec(body.error.message)?.[1];
  expect({ status, body }).toEqual({
    status: 500,
    body: { error: { code: 500, type: "internal_error", reason: "internal", message: `Internal server error (id ${errorId})` } },
  });
  expect(body.error.message).not.toContain("internals");
  expect(logged).toEqual([{ message: { errorId, err: failure }, params: [`unhandled error ${errorId}`, "HttpExceptionFilter"] }]);
});

it("passes an AppError's status, type and reason through, a 422 reason derived from its status", () => {
  expect(filter.toErrorResponse(conflict("busy")).body.error).toEqual({ code: 409, type: "bad_request", reason: "conflict", message: "busy" });
  expect(filter.toErrorResponse(new AppError(422, "validation_error", "another body")).body.error.reason).toBe("idempotency_mismatch");
  expect(filter.toErrorResponse(unprocessable("another body")).body.error).toMatchObject({
    code: 422,
    type: "validation_error",
    reason: "idempotency_mismatch",
  });
  expect(logged).toEqual([]);
});

it("maps Nest's own exceptions into the contract's types, with a reason", () => {
  expect(filter.toErrorResponse(new NotFoundException()).body.error).toEqual({ code: 404, type: "not_found", reason: "not_found", message: "Route not found" });
  expect(filter.toErrorResponse(new HttpException("too big", 413)).body.error).toMatchObject({ type: "validation_error", reason: "too_large" });
  expect(filter.toErrorResponse(new HttpException("teapot", 418)).body.error).toMatchObject({ type: "bad_request", reason: "invalid_request" });
});
