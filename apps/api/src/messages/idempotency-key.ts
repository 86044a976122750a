/** The Idempotency-Key header's rule, shared by every route that sends a message. */
import { MAX_IDEMPOTENCY_KEY_LENGTH, validationError } from "@mix/core";

export function checkIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)) {
    throw validationError(`Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
  }
}
