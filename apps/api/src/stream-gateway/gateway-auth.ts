/**
 * Who opens a stream on the gateway, by the API's rules (common/auth/api-key.guard.ts):
 * `Authorization: Bearer <api key>`, or a browser's stream token in `?token=`; at least the
 * read_only role. A stream whose key is revoked meanwhile is cut (common/auth/bearer-key.ts).
 */
import { forbidden, roleAtLeast, unauthorized, type Principal, type StreamInfrastructure } from "@mix/core/streaming";
import { bearerKey } from "../common/auth/bearer-key";

export async function authenticateStream(infra: StreamInfrastructure, authorization: string | undefined, token: unknown): Promise<Principal> {
  let principal: Principal | null;
  if (!authorization && typeof token === "string") {
    principal = await infra.streamTokens.authenticate(token);
  } else {
    principal = await infra.apiKeys.authenticate(bearerKey(authorization));
    if (!principal) throw unauthorized("Invalid API key");
  }
  if (!roleAtLeast(principal.role, "read_only")) throw forbidden(`Forbidden: this needs the read_only role or above; the API key's role is ${principal.role}`);
  return principal;
}
