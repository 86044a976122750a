/** What the reply builders of every fake provider take: a tool call to stream, token usage, pieces. */

export interface FakeToolCall {
  /** Sent as the call id where the format has one (Gemini has none; its SDK makes one up). */
  id: string;
  name: string;
  /** An object is sent as its JSON; a string is sent as written (e.g. malformed JSON on purpose). */
  input: Record<string, unknown> | string;
}

export interface FakeUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of promptTokens, read from the provider's automatic cache (OpenAI's prompt_tokens_details.cached_tokens). */
  cachedTokens?: number;
}

export interface FakeReplyOptions {
  usage?: FakeUsage;
  /** Reasoning streamed before the text (thinking / thought / reasoning_content, per format). */
  reasoning?: string;
  /** Characters per streamed piece of text and of tool input (default 16). */
  pieceChars?: number;
}

export interface FakeToolCallReplyOptions extends FakeReplyOptions {
  /** Text the model says before its calls. */
  text?: string;
}

export const DEFAULT_FAKE_USAGE: FakeUsage = { promptTokens: 10, completionTokens: 5 };
const DEFAULT_PIECE_CHARS = 16;

export const toolInputJson = (call: FakeToolCall): string => (typeof call.input === "string" ? call.input : JSON.stringify(call.input));

/** The text cut into pieces of `size` characters, as a provider streams it; none for empty text. */
export function pieces(text: string | undefined, size = DEFAULT_PIECE_CHARS): string[] {
  const out: string[] = [];
  for (let at = 0; at < (text ?? "").length; at += size) out.push(text!.slice(at, at + size));
  return out;
}
