/**
 * Provider OAuth for a workspace: starts an authorization-code flow with PKCE, finishes it on
 * whichever API instance gets the callback, reports token health and refreshes tokens.
 */
import type { RedisClient } from "../redis/connection";
import { SYSTEM_ACTOR, type Actor } from "../audit/audit-entry";
import type { Config } from "../config/config";
import {
  CredentialProvider,
  OAUTH_PROVIDERS,
  type OAuthCallbackRequest,
  type OAuthCallbackResponse,
  type OAuthHealthResponse,
  type OAuthStartResponse,
  type RefreshTokensResponse,
} from "../contracts";
import { ENCRYPTION_KEY_MISSING, type CredentialsService } from "../credentials/credentials.service";
import { AppError, badRequest, validationError } from "../errors/app-error";
import type { Logger } from "../logging/logger";
import { CREDENTIAL_PROVIDER_INFO } from "../models/catalog/provider-catalog";
import type { RedisKeys } from "../redis/keys";
import { OAuthClient, OAuthTokenError } from "./oauth-client";
import { oauthHealth } from "./oauth-health";
import { isOAuthProvider, oauthNotConfiguredMessage, oauthSettings, type OAuthSettings } from "./oauth-settings";
import { OAUTH_STATE_TTL_SECONDS, OAuthStateStore } from "./oauth-state";
import { createCodeVerifier, createState, s256Challenge } from "./pkce";
import { refreshExpiringTokens, REFRESH_AHEAD_MS } from "./token-refresh";

const STATE_REJECTED = "state is unknown, expired, already used or another workspace's: start again with POST /api/auth/oauth/{provider}";

export class ProviderOAuthService {
  private readonly states: OAuthStateStore;

  constructor(
    private readonly config: Config,
    private readonly credentials: CredentialsService,
    redis: RedisClient,
    keys: RedisKeys,
    private readonly logger: Logger,
  ) {
    this.states = new OAuthStateStore(redis, keys);
  }

  async start(workspaceId: string, providerName: string): Promise<OAuthStartResponse> {
    const settings = this.settingsFor(providerName);
    if (!this.credentials.canStore) throw badRequest(ENCRYPTION_KEY_MISSING);
    const state = createState();
    const codeVerifier = createCodeVerifier();
    await this.states.save(state, { workspaceId, provider: settings.provider, codeVerifier, redirectUri: settings.redirectUri });
    const name = CREDENTIAL_PROVIDER_INFO[settings.provider].displayName;
    return {
      auth_url: new OAuthClient(settings).authorizationUrl(state, s256Challenge(codeVerifier)),
      state,
      message:
        `Open auth_url, sign in to ${name} and approve access, then send the authorization code with this state ` +
        `to POST /api/auth/oauth-callback within ${OAUTH_STATE_TTL_SECONDS / 60} minutes`,
    };
  }

  /** `actor`: who completes the sign-in, for the audit entry of the credentials stored. */
  async callback(workspaceId: string, body: OAuthCallbackRequest, actor?: Actor): Promise<OAuthCallbackResponse> {
    const settings = this.settingsFor(body.provider);
    // Another workspace's state answers as an unknown one, and stays usable by its owner.
    const flow = await this.states.take(body.state, workspaceId);
    if (!flow) throw badRequest(STATE_REJECTED);
    if (flow.provider !== settings.provider) throw badRequest(`state was issued for provider '${flow.provider}', not '${settings.provider}': start again`);
    // Anthropic's page shows the code as `<code>#<state>`; accept it pasted whole.
    const code = body.code.endsWith(`#${body.state}`) ? body.code.slice(0, -body.state.length - 1) : body.code;
    const name = CREDENTIAL_PROVIDER_INFO[settings.provider].displayName;
    const tokens = await new OAuthClient(settings).exchangeCode(code, flow.codeVerifier, flow.redirectUri).catch((error: unknown) => {
      throw this.tokenFailure(name, error);
    });
    await this.credentials.storeOAuthTokens(
      workspaceId,
      settings.provider,
      {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken ?? null,
        expiresAt: tokens.expiresIn ? new Date(Date.now() + tokens.expiresIn * 1000) : null,
      },
      actor ?? SYSTEM_ACTOR,
    );
    return {
      status: "success",
      provider: settings.provider,
      message: `Signed in to ${name} with OAuth; the token is stored encrypted${tokens.refreshToken ? " and refreshed before it expires" : ""}`,
      ...(tokens.expiresIn ? { expires_in: tokens.expiresIn } : {}),
    };
  }

  async health(workspaceId: string, now = new Date()): Promise<OAuthHealthResponse> {
    return oauthHealth(await this.credentials.oauthCredentials(workspaceId), now);
  }

  /** The caller's workspace only: one workspace may not learn about, or spend, another's tokens. */
  async refreshNow(workspaceId: string): Promise<RefreshTokensResponse> {
    const { due, refreshed, failed } = await this.refreshExpiringTokens(new Date(), workspaceId);
    const window = `${REFRESH_AHEAD_MS / 60_000} minutes`;
    const message =
      due === 0
        ? `No OAuth tokens expire within ${window}; nothing to refresh`
        : `Refreshed ${refreshed} of ${due} OAuth tokens expiring within ${window}` + (failed > 0 ? ` (${failed} failed: see GET /health/auth)` : "");
    return { status: "success", message };
  }

  refreshExpiringTokens(now = new Date(), workspaceId?: string) {
    return refreshExpiringTokens({ config: this.config, credentials: this.credentials, logger: this.logger }, now, workspaceId);
  }

  private settingsFor(providerName: string): OAuthSettings {
    if (!isOAuthProvider(providerName)) {
      if (CredentialProvider.safeParse(providerName).success) {
        throw badRequest(`provider '${providerName}' does not support OAuth: store an API key with POST /api/auth/api-key`);
      }
      throw validationError(`provider '${providerName}' is not supported; OAuth providers: ${OAUTH_PROVIDERS.join(", ")}`);
    }
    const settings = oauthSettings(this.config, providerName);
    // 400, the status the contract gives this route: the request cannot succeed on this server as
    // configured (503 would invite a retry that cannot help, 501 says the API lacks the feature).
    if (!settings) throw badRequest(oauthNotConfiguredMessage(this.config, providerName));
    return settings;
  }

  private tokenFailure(name: string, error: unknown): Error {
    if (error instanceof OAuthTokenError && error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return badRequest(`${name} rejected the authorization code (${error.message}): start again`);
    }
    this.logger.error({ err: error }, "OAuth code exchange failed");
    return new AppError(502, "internal_error", `could not reach ${name}'s token endpoint: try again later`);
  }
}
