/** `/api/auth/*`: provider credentials stored per workspace (API keys now, OAuth later). */
import { z } from "zod";
import { safeString } from "./text";

/** Providers that take credentials; `brave` is a tool provider (web search), not a model provider. */
export const CREDENTIAL_PROVIDERS = ["anthropic", "openai", "openrouter", "gemini", "brave"] as const;
export const CredentialProvider = z.enum(CREDENTIAL_PROVIDERS, { error: `provider must be one of: ${CREDENTIAL_PROVIDERS.join(", ")}` });
export type CredentialProvider = z.infer<typeof CredentialProvider>;

export const AuthMethod = z.enum(["oauth", "api_key", "none"]);
export type AuthMethod = z.infer<typeof AuthMethod>;

export const MAX_PROVIDER_KEY_LENGTH = 1_000;

export const StoreApiKeyRequest = z.strictObject({
  provider: CredentialProvider.describe("Provider name (anthropic, openai, openrouter, gemini, brave)"),
  api_key: safeString({ error: (issue) => (issue.input === undefined ? "api_key is required" : "api_key must be a string") })
    .trim()
    .min(1, "api_key must not be empty")
    .max(MAX_PROVIDER_KEY_LENGTH, `api_key must be at most ${MAX_PROVIDER_KEY_LENGTH} characters`)
    .regex(/^\S+$/, "api_key must not contain whitespace")
    .describe("API key for authentication"),
});
export type StoreApiKeyRequest = z.infer<typeof StoreApiKeyRequest>;

export const CredentialActionResponse = z.object({
  status: z.literal("success").describe("Operation status"),
  provider: z.string().describe("Provider name"),
  message: z.string(),
});
export type CredentialActionResponse = z.infer<typeof CredentialActionResponse>;

export const ProviderAuthStatus = z.object({
  authenticated: z.boolean(),
  auth_method: AuthMethod,
  display_name: z.string(),
});
export type ProviderAuthStatus = z.infer<typeof ProviderAuthStatus>;

export const AuthStatusResponse = z.object({
  providers: z.record(z.string(), ProviderAuthStatus).describe("Map of provider authentication status"),
});
export type AuthStatusResponse = z.infer<typeof AuthStatusResponse>;

export const ValidateProviderResponse = z.object({
  valid: z.boolean().describe("Whether the preferred provider is authenticated"),
  provider: z.string().describe("Preferred provider name"),
  auth_method: AuthMethod,
  message: z.string(),
});
export type ValidateProviderResponse = z.infer<typeof ValidateProviderResponse>;
