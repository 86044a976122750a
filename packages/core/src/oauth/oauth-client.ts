/**
 * The wire side of provider OAuth, on passport-oauth2's OAuth2 client (its `_oauth2`): the
 * authorization URL and the token endpoint (code exchange with the PKCE verifier, refresh).
 * Passport's own authenticate() flow is not used: it keeps state in an HTTP session, while a
 * flow here starts on one API instance and may finish on another (the state lives in Redis).
 */
import type { OAuth2 } from "oauth";
import { Strategy as OAuth2Strategy } from "passport-oauth2";
import type { OAuthSettings } from "./oauth-settings";

export interface TokenSet {
  accessToken: string;
  /** Absent when the server did not issue (or rotate) one. */
  refreshToken?: string;
  /** Seconds the access token lives, when the server said. */
  expiresIn?: number;
}

/** The token endpoint answered with an error status (a bad code, verifier or refresh token is a 4xx). */
export class OAuthTokenError extends Error {
  override name = "OAuthTokenError";
  constructor(
    readonly statusCode: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

class TokenClientStrategy extends OAuth2Strategy {
  get client(): OAuth2 {
    return this._oauth2;
  }
}

export class OAuthClient {
  private readonly client: OAuth2;

  constructor(private readonly settings: OAuthSettings) {
    const strategy = new TokenClientStrategy(
      {
        authorizationURL: settings.authorizeUrl,
        tokenURL: settings.tokenUrl,
        clientID: settings.clientId,
        clientSecret: "",
        callbackURL: settings.redirectUri,
      },
      () => undefined, // the verify callback belongs to passport's authenticate(), which is not used
    );
    this.client = strategy.client;
  }

  authorizationUrl(state: string, codeChallenge: string): string {
    return this.client.getAuthorizeUrl({
      response_type: "code",
      redirect_uri: this.settings.redirectUri,
      scope: this.settings.scopes,
      state,
      code_challenge: codeChallenge,
      code_challenge_method: "S256",
    });
  }

  exchangeCode(code: string, codeVerifier: string, redirectUri: string): Promise<TokenSet> {
    return this.tokenRequest(code, { grant_type: "authorization_code", code_verifier: codeVerifier, redirect_uri: redirectUri });
  }

  refresh(refreshToken: string): Promise<TokenSet> {
    return this.tokenRequest(refreshToken, { grant_type: "refresh_token" });
  }

  private tokenRequest(codeOrToken: string, params: Record<string, string>): Promise<TokenSet> {
    return new Promise((resolve, reject) => {
      this.client.getOAuthAccessToken(codeOrToken, params, (error, accessToken, refreshToken, results) => {
        if (error) return reject(toTokenError(error));
        if (typeof accessToken !== "string" || accessToken.length === 0) {
          return reject(new OAuthTokenError(undefined, "the token endpoint answered without an access_token"));
        }
        const expiresIn = Number((results as Record<string, unknown> | undefined)?.["expires_in"]);
        resolve({
          accessToken,
          ...(typeof refreshToken === "string" && refreshToken.length > 0 ? { refreshToken } : {}),
          ...(Number.isFinite(expiresIn) && expiresIn > 0 ? { expiresIn: Math.floor(expiresIn) } : {}),
        });
      });
    });
  }
}

/** The oauth package reports an HTTP error as `{ statusCode, data }` and a network error as an Error. */
function toTokenError(error: unknown): OAuthTokenError {
  if (error instanceof Error) return new OAuthTokenError(undefined, `token endpoint unreachable: ${error.message}`);
  const { statusCode, data } = error as { statusCode?: number; data?: unknown };
  return new OAuthTokenError(statusCode, `token endpoint answered ${statusCode ?? "an error"}: ${describeErrorBody(data)}`);
}

function describeErrorBody(data: unknown): string {
  const text = typeof data === "string" ? data : Buffer.isBuffer(data) ? data.toString("utf8") : "";
  let body: { error?: unknown; error_description?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return text.slice(0, 200) || "no body"; // not JSON: the raw text, cut short (it only goes into the message)
  }
  if (typeof body?.error !== "string") return text.slice(0, 200);
  return [body.error, body.error_description].filter((part) => typeof part === "string").join(": ");
}
