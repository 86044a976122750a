/**
 * Loads the Vercel AI SDK on first use. Its packages are ES modules only; importing them
 * dynamically keeps them out of the start-up of every process that never calls a real model.
 */
export type AiModule = typeof import("ai");

export interface AiSdk {
  ai: AiModule;
  anthropic: typeof import("@ai-sdk/anthropic");
  openai: typeof import("@ai-sdk/openai");
  google: typeof import("@ai-sdk/google");
  openaiCompatible: typeof import("@ai-sdk/openai-compatible");
}

let loading: Promise<AiSdk> | undefined;

export function loadAiSdk(): Promise<AiSdk> {
  loading ??= Promise.all([
    import("ai"),
    import("@ai-sdk/anthropic"),
    import("@ai-sdk/openai"),
    import("@ai-sdk/google"),
    import("@ai-sdk/openai-compatible"),
  ]).then(([ai, anthropic, openai, google, openaiCompatible]) => ({ ai, anthropic, openai, google, openaiCompatible }));
  return loading;
}
