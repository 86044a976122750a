/** The one error body of the API: `{ error: { code, message, type } }`. */
import { z } from "zod";

export const ErrorType = z.enum(["bad_request", "not_found", "internal_error", "unauthorized", "validation_error"]);
export type ErrorType = z.infer<typeof ErrorType>;

export const ErrorResponse = z.object({
  error: z.object({
    code: z.number().int(),
    message: z.string(),
    type: ErrorType,
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
