/** The model APIs the AI SDK adapter speaks to. */
export const PROVIDER_KINDS = ["anthropic", "openai", "gemini", "openrouter", "openai-compatible"] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];
