/**
 * A deterministic model for the offline demo, tests and benchmarks: it streams a fixed number
 * of reasoning and text deltas at a fixed pace, derived only from the conversation it is sent.
 *
 * It calls tools when told to: a line `@tool <ToolName> <json input>` in the last user message
 * (e.g. `@tool Bash {"command":"ls"}`) becomes a streamed call of that tool, if the request
 * offers it. Once the results come back it answers with a sentence summarising them.
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ModelMessage, ModelProvider, ModelRequest, ModelStreamPart, ToolResultMessage } from "../model-provider";

export interface ScriptedProviderOptions {
  contentDeltas: number;
  reasoningDeltas: number;
  delayMs: number;
  /** Each content delta is padded with dots to at least this many characters. */
  deltaMinChars?: number;
}

/** One `@tool` line. The input is passed on as written, so a test can script malformed JSON too. */
export interface ScriptedToolDirective {
  name: string;
  input: string;
}

const FILLER = "Here is a scripted answer that streams one word at a time so every client can watch it arrive".split(" ");
const DIRECTIVE_LINE = /^\s*@tool\s+(\S+)(?:\s+(.*\S))?\s*$/;
/** Tool input is streamed in pieces of this many characters, as real providers split it. */
const INPUT_DELTA_CHARS = 16;
const SUMMARY_LINE_MAX_CHARS = 80;

export class ScriptedProvider implements ModelProvider {
  readonly name = "scripted";
  readonly defaultModel = "scripted-1";

  constructor(private readonly options: ScriptedProviderOptions) {}

  async *stream(request: ModelRequest, signal: AbortSignal): AsyncIterable<ModelStreamPart> {
    const lastUser = request.messages.findLast((message) => message.role === "user");
    const { directives, prompt } = parseToolDirectives(lastUser?.role === "user" ? lastUser.content : "");
    const last = request.messages.at(-1);
    const pause = () => this.pause(signal);

    for (let i = 0; i < this.options.reasoningDeltas; i++) {
      await pause();
      yield { type: "reasoning-delta", text: i === 0 ? "Reading the request. " : `Step ${i + 1}. ` };
    }

    let opening = "";
    if (last?.role === "user" && directives.length > 0) {
      const offered = new Set(request.tools?.map((tool) => tool.name));
      const calls = directives.filter((directive) => offered.has(directive.name));
      const missing = unavailableNote(directives.filter((directive) => !offered.has(directive.name)));
      if (calls.length > 0) {
        yield* this.streamToolCalls(request, calls, missing, signal);
        return;
      }
      opening = `${missing}\n\n`;
    } else if (last?.role === "tool") {
      opening = `${summarizeResults(last.results)}\n\n`;
    }

    if (opening) {
      await pause();
      yield { type: "text-delta", text: opening };
    }
    const words = scriptedWords(prompt, this.options.contentDeltas);
    for (const [i, word] of words.entries()) {
      await pause();
      const text = i === 0 ? word : ` ${word}`;
      yield { type: "text-delta", text: text.padEnd(this.options.deltaMinChars ?? 0, ".") };
    }
    signal.throwIfAborted();
    yield { type: "finish", finishReason: "stop", usage: this.usage(request, words.length + estimateTokens(opening)) };
  }

  private async *streamToolCalls(
    request: ModelRequest,
    calls: ScriptedToolDirective[],
    missingNote: string,
    signal: AbortSignal,
  ): AsyncIterable<ModelStreamPart> {
    const pause = () => this.pause(signal);
    const text = `I'll use ${[...new Set(calls.map((call) => call.name))].join(", ")}.${missingNote ? ` ${missingNote}` : ""}`;
    await pause();
    yield { type: "text-delta", text };

    const step = stepTag(request.messages);
    let inputTokens = 0;
    for (const [i, call] of calls.entries()) {
      const id = `call_${i + 1}_${step}`;
      await pause();
      yield { type: "tool-call-start", id, name: call.name };
      for (let at = 0; at < call.input.length; at += INPUT_DELTA_CHARS) {
        await pause();
        yield { type: "tool-call-delta", id, inputDelta: call.input.slice(at, at + INPUT_DELTA_CHARS) };
      }
      await pause();
      yield { type: "tool-call", id, name: call.name, input: call.input };
      inputTokens += estimateTokens(call.input);
    }
    signal.throwIfAborted();
    yield { type: "finish", finishReason: "tool-calls", usage: this.usage(request, estimateTokens(text) + inputTokens) };
  }

  private async pause(signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    if (this.options.delayMs > 0) await sleep(this.options.delayMs, undefined, { signal });
  }

  private usage(request: ModelRequest, contentTokens: number) {
    return {
      // Media counts as nothing: its base64 would otherwise count as a million tokens of text.
      promptTokens: estimateTokens(request.system) + request.messages.reduce((sum, m) => sum + estimateTokens(JSON.stringify(m, withoutMedia)), 0),
      completionTokens: contentTokens + this.options.reasoningDeltas,
    };
  }
}

/** The `@tool` lines of a user message, and the rest of it (what the answer echoes). */
export function parseToolDirectives(content: string): { directives: ScriptedToolDirective[]; prompt: string } {
  const directives: ScriptedToolDirective[] = [];
  const rest: string[] = [];
  for (const line of content.split("\n")) {
    const match = DIRECTIVE_LINE.exec(line);
    if (match) directives.push({ name: match[1]!, input: match[2] ?? "{}" });
    else rest.push(line);
  }
  return { directives, prompt: rest.join("\n") };
}

/**
 * Call ids must differ between steps and turns of a session: the history grows with every step,
 * so a digest of it (with its length, against a rewound history that repeats one) tells them apart.
 */
function stepTag(messages: ModelMessage[]): string {
  return `${messages.length}${createHash("sha256").update(JSON.stringify(messages, withoutSource)).digest("hex").slice(0, 6)}`;
}

function unavailableNote(refused: ScriptedToolDirective[]): string {
  const names = [...new Set(refused.map((directive) => directive.name))];
  if (names.length === 0) return "";
  return `${names.join(", ")} ${names.length === 1 ? "is" : "are"} not available, so I did not call ${names.length === 1 ? "it" : "them"}.`;
}

/** "Bash succeeded: <first line>; Write failed: <first line>." */
function summarizeResults(results: ToolResultMessage[]): string {
  if (results.length === 0) return "No tool results came back.";
  const each = results.map((result) => `${result.toolName} ${result.isError ? "failed" : "succeeded"}: ${firstLine(result.result)}${mediaNote(result)}`);
  return `${each.join("; ")}.`;
}

/** It cannot look at media, but says what it was given: " (1 file: image/png)". */
function mediaNote(result: ToolResultMessage): string {
  const media = result.media ?? [];
  if (media.length === 0) return "";
  return ` (${media.length} ${media.length === 1 ? "file" : "files"}: ${media.map((item) => item.mediaType).join(", ")})`;
}

function firstLine(text: string): string {
  const line =
    text
      .split("\n")
      .find((candidate) => candidate.trim() !== "")
      ?.trim() ?? "(no output)";
  return line.length <= SUMMARY_LINE_MAX_CHARS ? line : `${line.slice(0, SUMMARY_LINE_MAX_CHARS - 1)}…`;
}

/** Exactly `count` words: the start of an echo of the prompt, then filler. */
function scriptedWords(prompt: string, count: number): string[] {
  const echo = ["You", "said:", ...prompt.split(/\s+/).filter(Boolean).slice(0, 12)];
  const words: string[] = [];
  for (let i = 0; i < count; i++) words.push(i < echo.length ? echo[i]! : FILLER[(i - echo.length) % FILLER.length]!);
  return words;
}

const estimateTokens = (text: string) => Math.ceil(text.length / 4);
const withoutMedia = (key: string, value: unknown) => (key === "media" || key === "sourceId" ? undefined : value);
/** Where a message is stored says nothing of the conversation: a reloaded history tags its steps alike. */
const withoutSource = (key: string, value: unknown) => (key === "sourceId" ? undefined : value);
