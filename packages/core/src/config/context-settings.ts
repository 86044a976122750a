/** The settings of what the model is sent (context/): windows, compaction, large tool outputs, caching. */
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const CONTEXT_SETTINGS = {
  /**
   * The share of a model's input room (its context window minus its output limit) a request may
   * fill before older turns are summarised; 0 turns automatic compaction off (`/compact` and a
   * provider's "prompt too long" still compact).
   */
  COMPACTION_THRESHOLD: z.coerce.number().min(0).max(1).default(0.8),
  /** Tokens of the most recent conversation kept word for word when older turns are summarised. */
  COMPACTION_KEEP_RECENT_TOKENS: int(0, 10_000_000).default(20_000),
  /** A tool output longer than this (bytes) is kept whole in the session folder; the model sees its head, tail and path. */
  TOOL_OUTPUT_MAX_BYTES: int(1_024, 100_000_000).default(32_768),
  /** Context window (tokens) of a model the catalog does not know (an OpenAI-compatible server's). */
  MODEL_DEFAULT_CONTEXT_WINDOW: int(1_000, 100_000_000).default(128_000),
  /** Output limit (tokens) of a model the catalog does not know. */
  MODEL_DEFAULT_MAX_OUTPUT_TOKENS: int(1, 10_000_000).default(8_192),
  /** The scripted model's context window and output limit (small values let tests overflow it). */
  SCRIPTED_CONTEXT_WINDOW: int(100, 100_000_000).default(200_000),
  SCRIPTED_MAX_OUTPUT_TOKENS: int(1, 10_000_000).default(8_192),
  /** Cache breakpoints on the stable prefix for providers that take them (Anthropic); off sends none. */
  PROMPT_CACHING: z.stringbool().default(true),
};
