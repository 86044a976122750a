/**
 * Anthropic's prompt cache: a `cache_control` breakpoint caches the prompt up to it, and a later
 * request with the same prefix reads it at a tenth of the input price. The breakpoints go on the
 * stable prefix, at most the API's four: the system prompt, the last tool (tools come first in
 * Anthropic's order), the end of the earlier turns (what every step of this turn repeats), and
 * the request's last message (what the loop's next step repeats). OpenAI and Gemini cache
 * repeated prefixes by themselves; their cached tokens come back in the usage.
 */
import type { SystemModelMessage, ToolSet } from "ai";
import type { ModelMessage } from "../model-provider";
import type { ProviderKind } from "./provider-kind";

export const EPHEMERAL_CACHE = { anthropic: { cacheControl: { type: "ephemeral" } } } as const;

/** Providers whose API takes explicit cache breakpoints. */
export const takesBreakpoints = (kind: ProviderKind, caching: boolean | undefined): boolean => caching === true && kind === "anthropic";

/** The system prompt as the SDK's instructions, marked as a breakpoint when asked. */
export function systemInstructions(system: string, breakpoint: boolean): string | SystemModelMessage | undefined {
  if (!system) return undefined;
  return breakpoint ? { role: "system", content: system, providerOptions: EPHEMERAL_CACHE } : system;
}

/** Indexes of our messages that end a cached prefix: the last one before the latest user message, and the last. */
export function messageBreakpoints(messages: readonly ModelMessage[]): Set<number> {
  const points = new Set<number>();
  if (messages.length === 0) return points;
  points.add(messages.length - 1);
  const latestUser = messages.findLastIndex((message) => message.role === "user");
  if (latestUser > 0) points.add(latestUser - 1);
  return points;
}

/** The tools with the last one marked, so the tool list (Anthropic's first block) is cached. */
export function withToolBreakpoint(tools: ToolSet | undefined): ToolSet | undefined {
  if (!tools) return tools;
  const names = Object.keys(tools);
  const last = names.at(-1);
  if (last === undefined) return tools;
  return { ...tools, [last]: { ...tools[last]!, providerOptions: EPHEMERAL_CACHE } };
}
