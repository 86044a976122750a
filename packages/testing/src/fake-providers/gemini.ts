/** Gemini `streamGenerateContent?alt=sse`: `data:` lines of GenerateContentResponse, no terminator. */
import type { FakeReply } from "./fake-http-server";
import {
  DEFAULT_FAKE_USAGE,
  pieces,
  toolInputJson,
  type FakeReplyOptions,
  type FakeToolCall,
  type FakeToolCallReplyOptions,
  type FakeUsage,
} from "./scripted-reply";

export function geminiStream(responses: object[], options: { holdOpen?: boolean } = {}): FakeReply {
  return { kind: "sse", frames: responses.map((response) => `data: ${JSON.stringify(response)}`), holdOpen: options.holdOpen };
}

/** One response with the given parts of a model turn, optionally finishing it. */
export function geminiChunk(parts: object[], options: { finishReason?: string; usageMetadata?: object } = {}) {
  return {
    candidates: [{ content: { role: "model", parts }, index: 0, ...(options.finishReason ? { finishReason: options.finishReason } : {}) }],
    ...(options.usageMetadata ? { usageMetadata: options.usageMetadata } : {}),
    modelVersion: "gemini-fake",
  };
}

/** A streamed text answer, after thought parts when `reasoning` is given; usage rides on the last chunk. */
export function geminiTextReply(text: string, options: FakeReplyOptions = {}): FakeReply {
  const textParts = pieces(text, options.pieceChars).map((piece) => [{ text: piece }]);
  return geminiReply([...thoughtParts(options), ...textParts], options.usage);
}

/**
 * A streamed answer that calls tools. Gemini sends each call whole (a `functionCall` part with
 * its args as an object, no id) and finishes with STOP; the SDK makes up ids and reports "tool-calls".
 */
export function geminiToolCallReply(calls: FakeToolCall[], options: FakeToolCallReplyOptions = {}): FakeReply {
  const textParts = pieces(options.text, options.pieceChars).map((piece) => [{ text: piece }]);
  const callParts = calls.map((call) => [{ functionCall: { name: call.name, args: JSON.parse(toolInputJson(call)) as unknown } }]);
  return geminiReply([...thoughtParts(options), ...textParts, ...callParts], options.usage);
}

const thoughtParts = (options: FakeReplyOptions) => pieces(options.reasoning, options.pieceChars).map((piece) => [{ text: piece, thought: true }]);

function geminiReply(chunkParts: object[][], usage: FakeUsage = DEFAULT_FAKE_USAGE): FakeReply {
  const usageMetadata = {
    promptTokenCount: usage.promptTokens,
    candidatesTokenCount: usage.completionTokens,
    totalTokenCount: usage.promptTokens + usage.completionTokens,
    // Gemini's implicit cache reports the cached part of the prompt here.
    ...(usage.cachedTokens !== undefined ? { cachedContentTokenCount: usage.cachedTokens } : {}),
  };
  const last = chunkParts.length - 1;
  return geminiStream((chunkParts.length ? chunkParts : [[]]).map((parts, i) => geminiChunk(parts, i >= last ? { finishReason: "STOP", usageMetadata } : {})));
}
