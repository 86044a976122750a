/**
 * A simulated Anthropic Messages API for tests of context windows and prompt caching: it counts
 * each request's input tokens (about four characters of the request's JSON per token), refuses a
 * request past its context limit with Anthropic's own 400 ("prompt is too long: N tokens > M
 * maximum"), refuses more than four cache breakpoints as the API does, and runs a prompt cache:
 * a `cache_control` block caches the prompt up to it (tools, then system, then messages), a later
 * request reads the longest cached prefix, and the usage reports input, cache-read and
 * cache-write tokens as Anthropic does. What the model answers is the test's `answer` function.
 */
import { createHash } from "node:crypto";
import { FakeHttpServer, type FakeReply, type RecordedRequest } from "./fake-http-server";
import { anthropicError, anthropicStream, anthropicTextBlock, anthropicToolUseBlock, messageStart, type AnthropicEvent } from "./anthropic-messages";
import type { FakeToolCall } from "./scripted-reply";

/** What the simulated model says: text, and tool calls to make after it. */
export interface SimulatedAnswer {
  text?: string;
  toolCalls?: FakeToolCall[];
}

export interface SimulatedRequest {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Messages API request body as sent
  body: any;
  inputTokens: number;
  /** The text of the last user message (its text blocks; tool results aside). */
  lastUserText: string;
  /** Every text of the request (system, messages, tool results), joined: what the model "knows". */
  allText: string;
}

export interface SimulatedUsage {
  input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  output_tokens: number;
}

export interface AnthropicSimulatorOptions {
  /** Input tokens past which a request is refused as too long; none: no limit. */
  contextLimit?: number;
  /** The shortest prefix that is cached (Anthropic: 1,024 tokens on most models). */
  minCacheTokens?: number;
  answer: (request: SimulatedRequest) => SimulatedAnswer;
}

const CHARS_PER_TOKEN = 4;
const MAX_BREAKPOINTS = 4;
const OUTPUT_TOKENS = 20;

interface Block {
  tokens: number;
  /** The prompt's hash up to and including this block. */
  prefix: string;
  breakpoint: boolean;
}

export class AnthropicSimulator {
  /** Each answered request's usage, in order. */
  readonly usages: SimulatedUsage[] = [];
  /** Requests refused as too long. */
  refusedTooLong = 0;
  private readonly cache = new Map<string, number>();

  private constructor(
    readonly server: FakeHttpServer,
    private readonly options: AnthropicSimulatorOptions,
  ) {}

  static async start(options: AnthropicSimulatorOptions): Promise<AnthropicSimulator> {
    let simulator: AnthropicSimulator | undefined;
    const server = await FakeHttpServer.start({ respond: (request) => simulator!.respond(request) });
    simulator = new AnthropicSimulator(server, options);
    return simulator;
  }

  get url(): string {
    return this.server.url;
  }

  get requests(): RecordedRequest[] {
    return this.server.requests;
  }

  /** Totals over every answered request: input billed at full price, read from and written to the cache. */
  totals(): { input: number; cacheRead: number; cacheWrite: number; prompt: number; calls: number } {
    const sum = (key: keyof SimulatedUsage) => this.usages.reduce((total, usage) => total + usage[key], 0);
    const input = sum("input_tokens");
    const cacheRead = sum("cache_read_input_tokens");
    const cacheWrite = sum("cache_creation_input_tokens");
    return { input, cacheRead, cacheWrite, prompt: input + cacheRead + cacheWrite, calls: this.usages.length };
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private respond(request: RecordedRequest): FakeReply {
    const blocks = promptBlocks(request.body);
    const inputTokens = blocks.reduce((sum, block) => sum + block.tokens, 0);
    const breakpoints = blocks.filter((block) => block.breakpoint).length;
    if (breakpoints > MAX_BREAKPOINTS) {
      return anthropicError(400, "invalid_request_error", `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided. Found ${breakpoints}.`);
    }
    const limit = this.options.contextLimit;
    if (limit !== undefined && inputTokens > limit) {
      this.refusedTooLong++;
      return anthropicError(400, "invalid_request_error", `prompt is too long: ${inputTokens} tokens > ${limit} maximum`);
    }
    const usage = this.cacheUsage(blocks, inputTokens);
    this.usages.push(usage);
    const answer = this.options.answer({ body: request.body, inputTokens, lastUserText: lastUserText(request.body), allText: allText(request.body) });
    return answerStream(request.body.model, answer, usage);
  }

  /** Reads the longest cached prefix that ends at or before the last breakpoint, and caches up to every breakpoint. */
  private cacheUsage(blocks: Block[], inputTokens: number): SimulatedUsage {
    const lastBreakpoint = blocks.findLastIndex((block) => block.breakpoint);
    let read = 0;
    let readEnd = -1;
    for (let index = lastBreakpoint; index >= 0; index--) {
      const cached = this.cache.get(blocks[index]!.prefix);
      if (cached !== undefined) {
        read = cached;
        readEnd = index;
        break;
      }
    }
    let written = 0;
    let tokensSoFar = 0;
    for (const [index, block] of blocks.entries()) {
      tokensSoFar += block.tokens;
      if (!block.breakpoint || index <= readEnd || tokensSoFar < (this.options.minCacheTokens ?? 1_024)) continue;
      if (!this.cache.has(block.prefix)) this.cache.set(block.prefix, tokensSoFar);
      written = tokensSoFar - read;
    }
    return { input_tokens: inputTokens - read - written, cache_read_input_tokens: read, cache_creation_input_tokens: written, output_tokens: OUTPUT_TOKENS };
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the request body as sent
type Body = any;

/** The prompt in Anthropic's cache order, block by block: tools, system, then each message's content. */
function promptBlocks(body: Body): Block[] {
  const raw: { value: unknown; breakpoint: boolean }[] = [];
  for (const tool of body.tools ?? []) raw.push(entry(tool));
  const system = typeof body.system === "string" ? [{ type: "text", text: body.system }] : (body.system ?? []);
  for (const block of system) raw.push(entry(block));
  for (const message of body.messages ?? []) {
    const content = typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
    for (const [index, block] of content.entries()) raw.push(entry(index === 0 ? { role: message.role, ...block } : block));
  }
  let hash = "";
  return raw.map(({ value, breakpoint }) => {
    const text = JSON.stringify(value);
    hash = createHash("sha256").update(hash).update(text).digest("hex");
    return { tokens: Math.ceil(text.length / CHARS_PER_TOKEN), prefix: hash, breakpoint };
  });
}

function entry(block: Record<string, unknown>): { value: unknown; breakpoint: boolean } {
  const { cache_control: cacheControl, ...value } = block;
  return { value, breakpoint: (cacheControl as { type?: string } | undefined)?.type === "ephemeral" };
}

function lastUserText(body: Body): string {
  const last = [...(body.messages ?? [])].reverse().find((message: { role: string }) => message.role === "user");
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  return last.content
    .filter((block: { type: string }) => block.type === "text")
    .map((block: { text: string }) => block.text)
    .join("\n");
}

function allText(body: Body): string {
  const texts: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === "string") texts.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === "object") Object.values(value).forEach(walk);
  };
  walk(body.system);
  walk(body.messages);
  return texts.join("\n");
}

function answerStream(model: string, answer: SimulatedAnswer, usage: SimulatedUsage): FakeReply {
  let index = 0;
  const blocks: AnthropicEvent[] = [];
  if (answer.text) blocks.push(...anthropicTextBlock(index++, answer.text));
  for (const call of answer.toolCalls ?? []) blocks.push(...anthropicToolUseBlock(index++, call));
  const start = messageStart(model, usage.input_tokens);
  Object.assign((start.message as { usage: object }).usage, {
    cache_read_input_tokens: usage.cache_read_input_tokens,
    cache_creation_input_tokens: usage.cache_creation_input_tokens,
  });
  return anthropicStream([
    start,
    ...blocks,
    {
      type: "message_delta",
      delta: { stop_reason: answer.toolCalls?.length ? "tool_use" : "end_turn", stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    },
    { type: "message_stop" },
  ]);
}
