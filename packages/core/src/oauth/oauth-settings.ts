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
