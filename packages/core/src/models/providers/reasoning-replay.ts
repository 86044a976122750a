/**
 * Which reasoning goes back to a model with the conversation. Anthropic requires the thinking
 * blocks of an assistant turn (signature and all, and redacted thinking with its data) when it
 * continues that turn after tool results; without them the next step of a tool loop with
 * thinking is refused. Only blocks carrying the metadata of the very API they return to are
 * sent: a signature means nothing to another provider, and the others either ignore past
 * reasoning or refuse it (some OpenAI-compatible servers reject `reasoning_content` in input).
 */
import type { ProviderMetadata, ReasoningBlock } from "../model-provider";
import type { ProviderKind } from "./provider-kind";

/** The key the AI SDK files a provider's metadata under, for the providers that need reasoning back. */
const REPLAY_KEY: Partial<Record<ProviderKind, string>> = { anthropic: "anthropic" };

/** The blocks to send back to `kind`, each with only that provider's metadata. */
export function replayedReasoning(kind: ProviderKind, blocks: ReasoningBlock[] | undefined): { text: string; providerOptions: ProviderMetadata }[] {
  const key = REPLAY_KEY[kind];
  if (!key || !blocks) return [];
  return blocks.flatMap((block) => {
    const own = block.providerMetadata?.[key];
    return own ? [{ text: block.text, providerOptions: { [key]: own } }] : [];
  });
}

/**
 * Gemini signs its function calls (thoughtSignature) and wants each signature back with its
 * call: Gemini 3 refuses a history without them. Other providers' metadata stays home.
 */
const CALL_REPLAY_KEY: Partial<Record<ProviderKind, string>> = { gemini: "google" };

export function replayedCallMetadata(kind: ProviderKind, metadata: ProviderMetadata | undefined): { providerOptions?: ProviderMetadata } {
  const key = CALL_REPLAY_KEY[kind];
  const own = key ? metadata?.[key] : undefined;
  return own && key ? { providerOptions: { [key]: own } } : {};
}

/** Metadata of one block gathered from its start, delta and end parts; later fields win. */
export function mergeProviderMetadata(into: ProviderMetadata | undefined, next: ProviderMetadata | undefined): ProviderMetadata | undefined {
  if (!next) return into;
  const merged: ProviderMetadata = { ...into };
  for (const [provider, fields] of Object.entries(next)) merged[provider] = { ...merged[provider], ...fields };
  return merged;
}
