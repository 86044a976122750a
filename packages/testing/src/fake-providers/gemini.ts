/** Gemini `streamGenerateContent?alt=sse`: `data:` lines of GenerateContentResponse, no terminator. */
import type { FakeReply } from "./fake-http-server";

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
