/**
 * Refreshes OAuth access tokens before they expire: every stored token that expires within 35
 * minutes (the contract's window) and has a refresh token. Run every 10 minutes by the
 * maintenance worker, so each token gets several tries before it lapses, and on demand by
 * `POST /internal/auth/refresh-tokens`.
 */
import type { Config } from "../config/config";
import type { CredentialsService } from "../credentials/credentials.service";
import type { Logger } from "../logging/logger";
import { OAuthClient } from "./oauth-client";
import { isOAuthProvider, oauthSettings } from "./oauth-settings";

export const REFRESH_AHEAD_MS = 35 * 60_000;

export interface RefreshDeps {
  config: Config;
  credentials: CredentialsService;
  logger: Logger;
}

export interface RefreshOutcome {
  /** Tokens due for a refresh. */
  due: number;
  refreshed: number;
  failed: number;
}

/** Refreshes every due token (of one workspace when given); a failure is logged and counted, not thrown. */
export async function refreshExpiringTokens(deps: RefreshDeps, now: Date = new Date(), workspaceId?: string): Promise<RefreshOutcome> {
  const due = await deps.credentials.oauthExpiringBefore(new Date(now.getTime() + REFRESH_AHEAD_MS), workspaceId);
  let refreshed = 0;
  for (const credential of due) {
    const { provider } = credential;
    try {
      const settings = isOAuthProvider(provider) ? oauthSettings(deps.config, provider) : null;
      if (!isOAuthProvider(provider) || !settings) throw new Error(`OAuth is not configured for ${provider} on this server`);
      const tokens = await new OAuthClient(settings).refresh(credential.refreshToken());
      await deps.credentials.storeOAuthTokens(credential.workspaceId, provider, {
        accessToken: tokens.accessToken,
        refreshToken: tokens.refreshToken, // undefined (not rotated) keeps the stored one
        expiresAt: tokens.expiresIn ? new Date(Date.now() + tokens.expiresIn * 1000) : null,
      });
      refreshed++;
    } catch (error) {
      deps.logger.warn({ err: error, workspaceId: credential.workspaceId, provider, expiresAt: credential.expiresAt }, "OAuth token refresh failed");
    }
  }
  if (due.length > 0) deps.logger.info({ due: due.length, refreshed }, "refreshed expiring OAuth tokens");
  return { due: due.length, refreshed, failed: due.length - refreshed };
}
