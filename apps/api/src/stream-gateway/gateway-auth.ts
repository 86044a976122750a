/**
 * Who opens a stream on the gateway, by the API's rules (common/auth/api-key.guard.ts):
 * `Authorization: Bearer <api key>`, or a browser's stream token in `?token=`; at least the
 * read_only role; and a stream whose key is revoked meanwhile is cut.
 */
import type { ServerResponse } from "node:http";
import { forbidden, roleAtLeast, unauthorized, type Principal, type StreamInfrastructure } from "@mix/core/streaming";

export async function authenticateStream(infra: StreamInfrastructure, authorization: string | undefined, token: unknown): Promise<Principal> {
  let principal: Principal | null;
  if (!authorization && typeof token === "string") {
    principal = await infra.streamTokens.authenticate(token);
  } else {
    if (!authorization) throw unauthorized("Missing Authorization header (expected 'Bearer <api key>')");
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) throw unauthorized("Malformed Authorization header (expected 'Bearer <api key>')");
    principal = await infra.apiKeys.authenticate(match[1]!);
    if (!principal) throw unauthorized("Invalid API key");
  }
  if (!roleAtLeast(principal.role, "read_only")) throw forbidden(`Forbidden: this needs the read_only role or above; the API key's role is ${principal.role}`);
  return principal;
}

/** Cuts the stream once its key is revoked or its workspace deleted; reconnecting then answers 401. */
export function endStreamOnRevocation(infra: StreamInfrastructure, principal: Principal, response: ServerResponse): void {
  const stop = infra.apiKeys.onRevoked(principal, () => {
    if (response.headersSent && !response.writableEnded) response.destroy();
  });
  response.once("close", stop);
}
