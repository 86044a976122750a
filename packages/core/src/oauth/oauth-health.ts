/** `GET /health/auth`: the state of a workspace's OAuth tokens, judged the way API calls judge them. */
import { OAUTH_PROVIDERS, type OAuthHealthResponse, type ProviderOAuthHealth } from "../contracts";
import type { OAuthCredentialInfo } from "../credentials/credentials.service";

/** API calls treat a token as expired this long before it does (the contract's 5 minutes). */
export const EXPIRY_MARGIN_MS = 5 * 60_000;

/** Go-style duration, whole seconds: "2h30m15s", "4m0s", "9s"; a past time is "0s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

export function providerHealth(provider: string, credential: OAuthCredentialInfo | undefined, now: Date): ProviderOAuthHealth {
  if (!credential) return { provider, status: "not_found" };
  const last_refresh = credential.updatedAt.toISOString();
  if (!credential.expiresAt) return { provider, status: "active", last_refresh };
  const remaining = credential.expiresAt.getTime() - now.getTime();
  const status = remaining > EXPIRY_MARGIN_MS ? "active" : credential.hasRefreshToken ? "expired" : "expired_no_refresh";
  return { provider, status, expires_at: credential.expiresAt.toISOString(), expires_in: formatDuration(remaining), last_refresh };
}

export function oauthHealth(credentials: OAuthCredentialInfo[], now: Date): OAuthHealthResponse {
  const byProvider = new Map(credentials.map((credential) => [credential.provider, credential]));
  const providers = Object.fromEntries(OAUTH_PROVIDERS.map((provider) => [provider, providerHealth(provider, byProvider.get(provider), now)]));
  const statuses = Object.values(providers).map((entry) => entry.status);
  const status = statuses.some((s) => s === "expired_no_refresh" || s === "error") ? "unhealthy" : statuses.includes("expired") ? "degraded" : "healthy";
  return { status, providers, timestamp: now.toISOString() };
}
