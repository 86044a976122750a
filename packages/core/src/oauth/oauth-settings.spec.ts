import { loadConfig } from "../config/config";
import { missingOAuthSettings, oauthNotConfiguredMessage, oauthSettings } from "./oauth-settings";

const base = { DATABASE_URL: "postgresql://localhost/mix" };
const configured = {
  ...base,
  ANTHROPIC_OAUTH_CLIENT_ID: "client",
  ANTHROPIC_OAUTH_AUTHORIZE_URL: "https://auth.example.com/authorize",
  ANTHROPIC_OAUTH_TOKEN_URL: "https://auth.example.com/token",
  ANTHROPIC_OAUTH_REDIRECT_URI: "https://mix.example.com/oauth/callback",
};

describe("OAuth settings", () => {
  it("are complete when all four are set", () => {
    expect(missingOAuthSettings(loadConfig(configured), "anthropic")).toEqual([]);
    expect(oauthSettings(loadConfig(configured), "anthropic")).toMatchObject({ clientId: "client" });
  });

  it("name every setting to set, and the missing ones, when OAuth is not configured", () => {
    const config = loadConfig({ ...configured, ANTHROPIC_OAUTH_CLIENT_ID: undefined, ANTHROPIC_OAUTH_TOKEN_URL: "" });
    expect(oauthSettings(config, "anthropic")).toBeNull();
    expect(oauthNotConfiguredMessage(config, "anthropic")).toBe(
      "OAuth for provider 'anthropic' is not configured on this server: set ANTHROPIC_OAUTH_CLIENT_ID, ANTHROPIC_OAUTH_AUTHORIZE_URL, " +
        "ANTHROPIC_OAUTH_TOKEN_URL, ANTHROPIC_OAUTH_REDIRECT_URI (missing: ANTHROPIC_OAUTH_CLIENT_ID, ANTHROPIC_OAUTH_TOKEN_URL), " +
        "the redirect URI being the one registered with the provider's OAuth client, and restart; or store an API key with POST /api/auth/api-key",
    );
  });
});
