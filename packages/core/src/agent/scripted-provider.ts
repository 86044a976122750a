/**
 * A deterministic model for the offline demo, tests and benchmarks: it streams a fixed number
 * of reasoning and text deltas at a fixed pace, derived only from the last user message.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { ModelProvider, ModelRequest, ModelStreamPart } from "./provider";

export interface ScriptedProviderOptions {
  contentDeltas: number;
  reasoningDeltas: number;
  delayMs: number;
  /** Each content delta is padded with dots to at least this many characters. */
  deltaMinChars?: number;
}

const FILLER = "Here is a scripted answer that streams one word at a time so every client can watch it arrive".split(" ");

export class ScriptedProvider implements ModelProvider {
  readonly name = "scripted";
  readonly defaultModel = "scripted-1";

  constructor(private readonly options: ScriptedProviderOptions) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    const last = request.messages.findLast((message) => message.role === "user");
    const prompt = last?.role === "user" ? last.content : "";
    const pause = async () => {
      signal.throwIfAborted();
      if (this.options.delayMs > 0) await sleep(this.options.delayMs, undefined, { signal });
    };

    for (let i = 0; i < this.options.reasoningDeltas; i++) {
      await pause();
      yield { type: "reasoning-delta", text: i === 0 ? "Reading the request. " : `Step ${i + 1}. ` };
    }
    const words = scriptedWords(prompt, this.options.contentDeltas);
    for (const [i, word] of words.entries()) {
      await pause();
      const text = i === 0 ? word : ` ${word}`;
      yield { type: "text-delta", text: text.padEnd(this.options.deltaMinChars ?? 0, ".") };
    }
    signal.throwIfAborted();
    yield {
      type: "finish",
      finishReason: "stop",
      usage: {
        promptTokens: estimateTokens(request.system) + request.messages.reduce((sum, m) => sum + estimateTokens(JSON.stringify(m)), 0),
        completionTokens: words.length + this.options.reasoningDeltas,
      },
    };
  }
}

/** Exactly `count` words: the start of an echo of the prompt, then filler. */
function scriptedWords(prompt: string, count: number): string[] {
  const echo = ["You", "said:", ...prompt.split(/\s+/).filter(Boolean).slice(0, 12)];
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(i < echo.length ? echo[i]! : FILLER[(i - echo.length) % FILLER.length]!);
  return words;
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);
