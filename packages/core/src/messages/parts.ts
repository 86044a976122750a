/** The JSON stored in `Part.data`, one shape per part type. */
import type { MediaReference, ProviderMetadata } from "../models/model-provider";

export type PartData =
  | { type: "text"; text: string }
  /** `providerMetadata`: what the provider needs this block sent back with (never shown to clients). */
  | { type: "reasoning"; text: string; durationMs?: number; providerMetadata?: ProviderMetadata }
  | { type: "tool_call"; toolCallId: string; name: string; input: string; providerMetadata?: ProviderMetadata }
  /** `media`: files the result showed the model (ReadMedia), read again when the history is replayed. */
  | { type: "tool_result"; toolCallId: string; result: string; isError: boolean; media?: MediaReference[] }
  | { type: "callback_result"; result: { [key: string]: string | number | boolean | null } }
  | { type: "error"; message: string; code?: string };
