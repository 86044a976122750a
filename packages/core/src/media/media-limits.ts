/**
 * What each model API takes as native input in a tool result, and how large: images within a
 * longest side and a byte cap (Anthropic recommends 1568 px; larger ones are scaled down by the
 * API anyway, at the same token cost), PDFs as documents, audio where the API has audio input.
 */
import type { MediaKind } from "./media-kind";

/** The model a call goes to: the provider's name (MODEL_PROVIDER's spelling) and the model id. */
export interface MediaTarget {
  provider: string;
  modelId: string;
}

export interface ImageLimits {
  mediaTypes: readonly string[];
  /** Longest side in pixels; larger images are scaled down. */
  maxSide: number;
  /** Encoded size; larger images are re-encoded smaller. */
  maxBytes: number;
}

export interface FileLimits {
  mediaTypes: readonly string[];
  maxBytes: number;
}

export interface MediaLimits {
  image: ImageLimits | null;
  pdf: FileLimits | null;
  audio: FileLimits | null;
  /** Names the model in refusals ("anthropic claude-haiku-4-5"). */
  label: string;
}

const MB = 1024 * 1024;
const IMAGE_TYPES = ["image/png", "image/jpeg", "image/gif", "image/webp"] as const;
const PDF = ["application/pdf"] as const;
// A request's inline data is capped near 20 MB (Gemini, OpenAI) and base64 grows it by a third.
const INLINE_MAX_BYTES = 14 * MB;

export function mediaLimits(target: MediaTarget): MediaLimits {
  const label = `${target.provider} ${target.modelId}`.trim();
  const image = (maxSide: number, maxBytes: number): ImageLimits => ({ mediaTypes: IMAGE_TYPES, maxSide, maxBytes });
  switch (target.provider) {
    case "anthropic":
      // 5 MB per image after base64; PDFs up to 32 MB per request.
      return { label, image: image(1568, Math.floor(3.75 * MB)), pdf: { mediaTypes: PDF, maxBytes: 24 * MB }, audio: null };
    case "gemini":
      return {
        label,
        image: image(3072, INLINE_MAX_BYTES),
        pdf: { mediaTypes: PDF, maxBytes: INLINE_MAX_BYTES },
        audio: { mediaTypes: ["audio/wav", "audio/mpeg", "audio/aiff", "audio/aac", "audio/ogg", "audio/flac"], maxBytes: INLINE_MAX_BYTES },
      };
    case "openai":
      return {
        label,
        image: image(2048, INLINE_MAX_BYTES),
        pdf: { mediaTypes: PDF, maxBytes: INLINE_MAX_BYTES },
        // Chat completions take input_audio (wav, mp3) only on its audio models.
        audio: /audio/i.test(target.modelId) ? { mediaTypes: ["audio/wav", "audio/mpeg"], maxBytes: INLINE_MAX_BYTES } : null,
      };
    case "openrouter":
      return { label, image: image(2048, INLINE_MAX_BYTES), pdf: { mediaTypes: PDF, maxBytes: INLINE_MAX_BYTES }, audio: null };
    case "scripted":
      // The offline model reads nothing, but takes what the real ones do so demos behave alike.
      return { label, image: image(1568, Math.floor(3.75 * MB)), pdf: { mediaTypes: PDF, maxBytes: 24 * MB }, audio: null };
    default:
      // A self-hosted OpenAI-compatible server: images are the one input such servers commonly take.
      return { label, image: image(2048, INLINE_MAX_BYTES), pdf: null, audio: null };
  }
}

/** The limits of one kind, or null when the model takes none of it. */
export function limitsOf(limits: MediaLimits, kind: MediaKind): ImageLimits | FileLimits | null {
  if (kind === "video") return null;
  return limits[kind];
}
