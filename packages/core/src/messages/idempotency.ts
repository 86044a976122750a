/**
 * What an Idempotency-Key was used for: a digest of the send request as validated (defaults
 * filled in, so `{"text":"hi"}` and `{"text":"hi","plan_mode":false}` are the same request).
 * A repeat with the same key must carry the same request, or it is refused with a 422.
 */
import { createHash } from "node:crypto";
import type { SendMessageRequest } from "../contracts";
import { AppError } from "../errors/app-error";

export function idempotencyHash(request: SendMessageRequest, withTools: boolean): string {
  // A fixed field order: the digest must not depend on how the client ordered its JSON.
  const normalised = [request.text, request.plan_mode, request.thinking_level ?? null, request.max_steps ?? null, withTools];
  return createHash("sha256").update(JSON.stringify(normalised), "utf8").digest("hex");
}

export const idempotencyMismatch = () =>
  new AppError(422, "validation_error", "Idempotency-Key was already used for another message in this session: send a new key with a new message");
