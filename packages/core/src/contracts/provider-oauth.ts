/** Provider OAuth: `/api/auth/oauth/*`, `GET /health/auth` and `POST /internal/auth/refresh-tokens`. */
import { z } from "zod";
import { safeString } from "./text";

/** Providers that can sign in with OAuth; the others take API keys only. */
export const OAUTH_PROVIDERS = ["anthropic"] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

const requiredString = (field: string, description: string) =>
  safeString({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(4_096, `${field} must be at most 4096 characters`)
    .describe(description);

export const OAuthStartResponse = z.object({
  auth_url: z.string().describe("OAuth authorization URL to redirect to"),
  state: z.string().describe("OAuth state token for verification (single use, expires after 10 minutes)"),
  message: z.string().describe("Instructions for completing OAuth flow"),
});
export type OAuthStartResponse = z.infer<typeof OAuthStartResponse>;

export const OAuthCallbackRequest = z.strictObject({
  provider: requiredString("provider", "Provider name (anthropic)"),
  code: requiredString("code", "Authorization code from OAuth provider"),
  state: requiredString("state", "OAuth state for verification"),
});
export type OAuthCallbackRequest = z.infer<typeof OAuthCallbackRequest>;

export const OAuthCallbackResponse = z.object({
  status: z.literal("success").describe("Operation status"),
  provider: z.string().describe("Provider name"),
  message: z.string().describe("Status message"),
  expires_in: z.number().int().optional().describe("Seconds until token expiration (absent when the provider gave none)"),
});
export type OAuthCallbackResponse = z.infer<typeof OAuthCallbackResponse>;

export const OAuthTokenStatus = z.enum(["active", "expired", "expired_no_refresh", "error", "not_found"]);
export type OAuthTokenStatus = z.infer<typeof OAuthTokenStatus>;

export const ProviderOAuthHealth = z.object({
  provider: z.string().describe("Provider name"),
  status: OAuthTokenStatus.describe("Token status"),
  expires_at: z.iso.datetime().optional().describe("Token expiration time"),
  expires_in: z.string().optional().describe("Human-readable time until expiration, e.g. 2h30m15s"),
  last_refresh: z.iso.datetime().optional().describe("Last time token was stored or refreshed"),
  error: z.string().optional().describe("Error message if status is 'error'"),
});
export type ProviderOAuthHealth = z.infer<typeof ProviderOAuthHealth>;

export const OAuthHealthResponse = z.object({
  status: z.enum(["healthy", "degraded", "unhealthy"]).describe("Overall health status"),
  providers: z.record(z.string(), ProviderOAuthHealth).describe("Map of provider OAuth health status"),
  timestamp: z.iso.datetime().describe("Health check timestamp"),
});
export type OAuthHealthResponse = z.infer<typeof OAuthHealthResponse>;

export const RefreshTokensResponse = z.object({
  status: z.literal("success").describe("Operation status"),
  message: z.string().describe("Status message"),
});
export type RefreshTokensResponse = z.infer<typeof RefreshTokensResponse>;
