/** The workspace of an HTTP request's `Authorization: Bearer <api key>`: the REST API's keys and checks. */
import type { IncomingMessage } from "node:http";
import type { ApplicationServices, Principal } from "@mix/core";

export type AuthResult = { principal: Principal } | { error: string };

export async function authenticateRequest(services: Pick<ApplicationServices, "apiKeys">, request: IncomingMessage): Promise<AuthResult> {
  const header = request.headers.authorization;
  if (!header) return { error: "Missing Authorization header (expected 'Bearer <api key>')" };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) return { error: "Malformed Authorization header (expected 'Bearer <api key>')" };
  const principal = await services.apiKeys.authenticate(match[1]!);
  return principal ? { principal } : { error: "Invalid API key" };
}
