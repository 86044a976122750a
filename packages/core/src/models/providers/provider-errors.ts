/** Which provider failures our loop may retry, and when the provider asked us to come back. */
import { ContextOverflowError, RetryableProviderError } from "../model-provider";
import type { AiModule } from "./ai-sdk";

/** Rate limited, unavailable, overloaded (Anthropic's 529). */
const RETRYABLE_STATUS = new Set([429, 503, 529]);

export function toProviderError(error: unknown, ai: AiModule): unknown {
  if (ai.APICallError.isInstance(error) && isContextOverflow(error.statusCode, `${error.message} ${error.responseBody ?? ""}`)) {
    return new ContextOverflowError(error.message);
  }
  if (ai.APICallError.isInstance(error) && error.statusCode !== undefined && RETRYABLE_STATUS.has(error.statusCode)) {
    return new RetryableProviderError(error.message, error.statusCode, retryAfterMs(error.responseHeaders));
  }
  // Anthropic reports overload that starts mid-stream as an SSE `error` event on a 200 response.
  if (isErrorOfType(error, "overloaded_error")) return new RetryableProviderError(error.message ?? "overloaded", 529);
  return error;
}

/**
 * A request longer than the model's window, as each API says it: Anthropic's 400 "prompt is too
 * long: N tokens > M maximum", OpenAI's code context_length_exceeded (also from compatible
 * servers), Gemini's 400 "input token count … exceeds the maximum number of tokens allowed".
 */
const OVERFLOW_TEXT = /prompt is too long|context_length_exceeded|maximum context length|exceeds the maximum number of tokens/i;

export function isContextOverflow(status: number | undefined, text: string): boolean {
  return (status === 400 || status === 413) && OVERFLOW_TEXT.test(text);
}

/** `retry-after-ms` (OpenAI, Anthropic) or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.["retry-after-ms"]);
  if (headers?.["retry-after-ms"] && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isErrorOfType(error: unknown, type: string): error is { type: string; message?: string } {
  return typeof error === "object" && error !== null && (error as { type?: unknown }).type === type;
}
