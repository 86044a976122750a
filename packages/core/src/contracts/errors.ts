/** The one error body of the API: `{ error: { code, message, type, reason } }`. */
import { z } from "zod";

/** The contract's enum: strict Mix clients validate it, so it never gains a value. */
export const ErrorType = z.enum(["bad_request", "not_found", "internal_error", "unauthorized", "validation_error"]);
export type ErrorType = z.infer<typeof ErrorType>;

/**
 * What happened, more precisely than `type` can say within the contract's enum. Clients branch
 * on this; new values may be added, so a client should treat one it does not know by `code`.
 * The server only ever sends these (AppError's reason is typed by this enum).
 */
export const ErrorReason = z.enum([
  "invalid_request",
  "validation_failed",
  "unauthorized",
  "not_found",
  "conflict",
  "too_large",
  "unsupported_media_type",
  "range_not_satisfiable",
  "idempotency_mismatch",
  "rate_limited",
  "forbidden",
  "credits_exhausted",
  "model_not_in_plan",
  "quota_exceeded",
  "internal",
  "not_implemented",
  "upstream_failed",
  "unavailable",
  "timeout",
]);
export type ErrorReason = z.infer<typeof ErrorReason>;

export const ErrorResponse = z.object({
  error: z.object({
    code: z.number().int(),
    message: z.string(),
    type: ErrorType,
    // A string, not an enum, in the document: a client generated from it must not break when
    // a reason is added, as the contract's clients would on a new `type`.
    reason: z.string().meta({
      description: `What happened, more precisely than \`type\` (which stays within the contract's enum): ${ErrorReason.options.join(", ")}. More may be added; treat an unknown one by \`code\`.`,
      example: "rate_limited",
    }),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
