/**
 * The two pieces of key handling the API's guard and the stream gateway share: reading the key
 * out of `Authorization: Bearer <api key>`, and cutting a stream whose key is revoked meanwhile.
 */
import type { ServerResponse } from "node:http";
import { unauthorized, type KeyAuthenticator, type Principal } from "@mix/core/streaming";

/** The key of an Authorization header; 401 when it is missing or not a bearer token. */
export function bearerKey(header: string | undefined): string {
  if (!header) throw unauthorized("Missing Authorization header (expected 'Bearer <api key>')");
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthorized("Malformed Authorization header (expected 'Bearer <api key>')");
  return match[1]!;
}

/**
 * A stream (SSE, a chat reply) already under way when its key is revoked is cut, so the dead
 * key stops receiving at once; reconnecting then answers 401. An answer not yet started needs
 * nothing: it is the ordinary answer of a request that was authenticated.
 */
export function endStreamOnRevocation(apiKeys: KeyAuthenticator, principal: Principal, response: ServerResponse): void {
  const stop = apiKeys.onRevoked(principal, () => {
    if (response.headersSent && !response.writableEnded) response.destroy();
  });
  response.once("close", stop);
}
