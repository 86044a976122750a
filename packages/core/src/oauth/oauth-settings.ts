/** Each OAuth provider's client settings, read from the configuration. */
import type { Config } from "../config/config";
import { OAUTH_PROVIDERS, type OAuthProvider } from "../contracts";

export interface OAuthSettings {
  provider: OAuthProvider;
  clientId: string;
  authorizeUrl: string;
  tokenUrl: string;
  redirectUri: string;
  scopes: string;
}

export function isOAuthProvider(name: string): name is OAuthProvider {
  return (OAUTH_PROVIDERS as readonly string[]).includes(name);
}

/** The settings a provider's OAuth client needs, all of them (the scopes have a default). */
export const REQUIRED_OAUTH_SETTINGS = {
  anthropic: ["ANTHROPIC_OAUTH_CLIENT_ID", "ANTHROPIC_OAUTH_AUTHORIZE_URL", "ANTHROPIC_OAUTH_TOKEN_URL", "ANTHROPIC_OAUTH_REDIRECT_URI"],
} as const satisfies Record<OAuthProvider, readonly (keyof Config)[]>;

/** The required settings of the provider that are not set. */
export function missingOAuthSettings(config: Config, provider: OAuthProvider): string[] {
  return REQUIRED_OAUTH_SETTINGS[provider].filter((name) => !config[name]);
}

/** Why OAuth cannot start: names every setting to set, and which of them are missing. */
export function oauthNotConfiguredMessage(config: Config, provider: OAuthProvider): string {
  const required = REQUIRED_OAUTH_SETTINGS[provider];
  return (
    `OAuth for provider '${provider}' is not configured on this server: set ${required.join(", ")} ` +
    `(missing: ${missingOAuthSettings(config, provider).join(", ")}), the redirect URI being the one registered with the provider's OAuth client, ` +
    `and restart; or store an API key with POST /api/auth/api-key`
  );
}

/** The provider's settings, or null when OAuth is not configured for it (a variable is missing). */
export function oauthSettings(config: Config, provider: OAuthProvider): OAuthSettings | null {
  switch (provider) {
    case "anthropic": {
      const { ANTHROPIC_OAUTH_CLIENT_ID: clientId, ANTHROPIC_OAUTH_AUTHORIZE_URL: authorizeUrl } = config;
      const { ANTHROPIC_OAUTH_TOKEN_URL: tokenUrl, ANTHROPIC_OAUTH_REDIRECT_URI: redirectUri } = config;
      if (!clientId || !authorizeUrl || !tokenUrl || !redirectUri) return null;
      return { provider, clientId, authorizeUrl, tokenUrl, redirectUri, scopes: config.ANTHROPIC_OAUTH_SCOPES };
    }
  }
}
