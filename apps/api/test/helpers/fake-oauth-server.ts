/**
 * A local OAuth 2 authorization server speaking the real wire format (RFC 6749 + PKCE S256), so
 * the real client code runs: `/authorize` issues a code bound to the PKCE challenge and
 * redirect URI, `/token` exchanges it (checking the verifier) and refreshes tokens.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export const FAKE_CLIENT_ID = "mix-test-client";

interface IssuedCode {
  challenge: string;
  redirectUri: string;
}

export interface FakeOAuthServer {
  url: string;
  /** Seconds the next issued access tokens live. */
  expiresIn: number;
  /** Every token request, in order (form fields as sent). */
  tokenRequests: Record<string, string>[];
  /** Refresh tokens still accepted. */
  liveRefreshTokens: Set<string>;
  /** What /authorize does when the user approves: a code bound to the challenge. */
  approve(challenge: string, redirectUri: string): string;
  close(): Promise<void>;
}

const token = (kind: string) => `${kind}-${randomBytes(18).toString("base64url")}`;

export async function startFakeOAuthServer(): Promise<FakeOAuthServer> {
  const codes = new Map<string, IssuedCode>();
  const fake: Omit<FakeOAuthServer, "url" | "close"> = {
    expiresIn: 3600,
    tokenRequests: [],
    liveRefreshTokens: new Set(),
    approve(challenge, redirectUri) {
      const code = token("code");
      codes.set(code, { challenge, redirectUri });
      return code;
    },
  };

  const send = (response: ServerResponse, status: number, body: object) =>
    response.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
  const grantError = (response: ServerResponse, description: string) => send(response, 400, { error: "invalid_grant", error_description: description });

  const issue = (response: ServerResponse) => {
    const refresh = token("rt");
    fake.liveRefreshTokens.add(refresh);
    send(response, 200, { access_token: token("at"), refresh_token: refresh, token_type: "Bearer", expires_in: fake.expiresIn });
  };

  const handleToken = (form: Record<string, string>, response: ServerResponse) => {
    fake.tokenRequests.push(form);
    if (form["client_id"] !== FAKE_CLIENT_ID) return send(response, 401, { error: "invalid_client" });
    if (form["grant_type"] === "authorization_code") {
      const issued = codes.get(form["code"] ?? "");
      codes.delete(form["code"] ?? ""); // a code is single use, even when the exchange fails
      if (!issued) return grantError(response, "unknown or used code");
      if (form["redirect_uri"] !== issued.redirectUri) return grantError(response, "redirect_uri mismatch");
      const challenge = createHash("sha256")
        .update(form["code_verifier"] ?? "")
        .digest("base64url");
      if (challenge !== issued.challenge) return grantError(response, "code_verifier does not match the code_challenge");
      return issue(response);
    }
    if (form["grant_type"] === "refresh_token") {
      if (!fake.liveRefreshTokens.delete(form["refresh_token"] ?? "")) return grantError(response, "refresh token revoked or unknown");
      return issue(response);
    }
    send(response, 400, { error: "unsupported_grant_type" });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method === "GET" && url.pathname === "/authorize") {
      const query = Object.fromEntries(url.searchParams);
      const valid = query["client_id"] === FAKE_CLIENT_ID && query["response_type"] === "code" && query["code_challenge_method"] === "S256";
      if (!valid || !query["code_challenge"] || !query["redirect_uri"]) return send(response, 400, { error: "invalid_request" });
      const target = new URL(query["redirect_uri"]);
      target.searchParams.set("code", fake.approve(query["code_challenge"], query["redirect_uri"]));
      target.searchParams.set("state", query["state"] ?? "");
      return response.writeHead(302, { Location: target.toString() }).end();
    }
    if (request.method === "POST" && url.pathname === "/token") {
      let body = "";
      for await (const chunk of request) body += String(chunk);
      return handleToken(Object.fromEntries(new URLSearchParams(body)), response);
    }
    send(response, 404, { error: "not_found" });
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => send(response, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  });
}

/** The env that points the API's Anthropic OAuth at the fake server. */
export const fakeOAuthEnv = (server: FakeOAuthServer) => ({
  ANTHROPIC_OAUTH_CLIENT_ID: FAKE_CLIENT_ID,
  ANTHROPIC_OAUTH_AUTHORIZE_URL: `${server.url}/authorize`,
  ANTHROPIC_OAUTH_TOKEN_URL: `${server.url}/token`,
  ANTHROPIC_OAUTH_REDIRECT_URI: "http://127.0.0.1:1/oauth/code/callback",
  ANTHROPIC_OAUTH_SCOPES: "user:inference user:profile",
});
