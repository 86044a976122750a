/**
 * Compaction: the older part of a conversation replaced by a summary the sub-agent model writes,
 * the recent part kept word for word. The stored transcript never changes; a marker message
 * (compaction-marker.ts) says where the summary starts to stand for what, and the history a
 * later call sends is rebuilt from it with `compactedHistory`, the same way the loop rebuilt it.
 */
import type { ModelMessage, ModelProvider, TokenUsage } from "../models/model-provider";
import { CHARS_PER_TOKEN, estimateMessagesTokens, estimateTextTokens } from "./token-estimate";

export interface CompactionPlan {
  /** Summarised. */
  older: ModelMessage[];
  /** Kept word for word, from a stored message (`sourceId`) on. */
  kept: ModelMessage[];
  /** The stored message the kept part starts with; null: nothing is kept (`/compact`). */
  keptFrom: string | null;
}

/**
 * Where to cut: the kept part starts at a stored user or assistant message (a tool message stays
 * with the call it answers) and is the longest tail within `keepRecentTokens`, but always holds
 * the last message. Null when there is nothing older to summarise.
 */
export function planCompaction(history: readonly ModelMessage[], keepRecentTokens: number): CompactionPlan | null {
  let cut = -1;
  for (let index = history.length - 1; index > 0; index--) {
    const message = history[index]!;
    if (message.role === "tool" || !message.sourceId) continue;
    if (cut !== -1 && estimateMessagesTokens(history.slice(index)) > keepRecentTokens) break;
    cut = index;
  }
  if (cut === -1) return null;
  const keptFrom = (history[cut] as { sourceId?: string }).sourceId!;
  return { older: history.slice(0, cut), kept: history.slice(cut), keptFrom };
}

/** Everything summarised, nothing kept: what `/compact` does with the conversation before it. */
export function planFullCompaction(history: readonly ModelMessage[]): CompactionPlan | null {
  return history.length > 0 ? { older: [...history], kept: [], keptFrom: null } : null;
}

export const SUMMARY_HEADER = "[Summary of the earlier conversation, which was compacted to fit the model's context window]";
const LATEST_REQUEST_HEADER = "[The user's latest request, word for word]";

/**
 * The conversation a call sends after a compaction: the summary as the first user message (the
 * first kept message joined to it when that is the user's, so roles still alternate), then the
 * kept messages. A cut inside a turn summarised that turn's request too: it is repeated whole.
 */
export function compactedHistory(summary: string, older: readonly ModelMessage[], kept: readonly ModelMessage[]): ModelMessage[] {
  const intro = `${SUMMARY_HEADER}\n${summary}`;
  const [first, ...rest] = kept;
  if (first?.role === "user") return [{ ...first, content: `${intro}\n\n${first.content}` }, ...rest];
  const request = kept.length > 0 ? older.findLast((message) => message.role === "user") : undefined;
  const repeated = request?.role === "user" && !request.content.startsWith(SUMMARY_HEADER) ? `\n\n${LATEST_REQUEST_HEADER}\n${request.content}` : "";
  return [{ role: "user", content: `${intro}${repeated}` }, ...kept];
}

const SUMMARY_SYSTEM =
  "You compact an AI agent's conversation so it can continue within its context window. Write a summary that lets the agent " +
  "carry on as if it had the whole conversation: the user's goals and requests, decisions and facts established, files and " +
  "resources touched (paths, names, identifiers), what tools found, what is done and what remains. Keep exact values, never " +
  "invent any; be complete but brief. Answer with the summary only.";

/** Characters of one tool result the summariser sees, head and tail. */
const RESULT_EXCERPT_CHARS = 2_000;

/** The older messages as one plain-text transcript for the summariser, within `maxChars` (head and tail kept). */
export function transcriptText(messages: readonly ModelMessage[], maxChars: number): string {
  const lines = messages.map((message) => {
    switch (message.role) {
      case "user":
        return `User: ${message.content}`;
      case "assistant": {
        const calls = (message.toolCalls ?? []).map((call) => `\n[called ${call.name} ${excerpt(call.input, RESULT_EXCERPT_CHARS)}]`).join("");
        return `Assistant: ${message.content}${calls}`;
      }
      case "tool":
        return message.results
          .map((result) => `[${result.toolName} ${result.isError ? "failed" : "returned"}] ${excerpt(result.result, RESULT_EXCERPT_CHARS)}`)
          .join("\n");
    }
  });
  return excerpt(lines.join("\n\n"), maxChars);
}

function excerpt(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const head = Math.floor(maxChars * 0.3);
  const tail = maxChars - head;
  return `${text.slice(0, head)}\n[… ${text.length - head - tail} characters left out …]\n${text.slice(-tail)}`;
}

export interface Summarizer {
  provider: ModelProvider;
  modelId: string;
  /** The input the summariser's own window takes (tokens). */
  inputRoom: number;
}

export interface Summary {
  text: string;
  usage: TokenUsage;
}

/** Longest summary asked for (tokens). */
export const SUMMARY_MAX_OUTPUT_TOKENS = 4_096;

/** One call of the sub-agent model, without tools; `instructions` are the user's (`/compact focus on …`). */
export async function summarize(summarizer: Summarizer, older: readonly ModelMessage[], instructions: string, signal: AbortSignal): Promise<Summary> {
  const budget = Math.max(1_000, (summarizer.inputRoom - estimateTextTokens(SUMMARY_SYSTEM) - 1_000) * CHARS_PER_TOKEN);
  const focus = instructions ? `\n\nThe user asks the summary to focus on: ${instructions}` : "";
  const request = {
    model: summarizer.modelId,
    system: SUMMARY_SYSTEM,
    messages: [{ role: "user" as const, content: `The conversation so far:\n\n${transcriptText(older, budget)}\n\nSummarise it.${focus}` }],
    thinkingBudget: 0,
    maxOutputTokens: SUMMARY_MAX_OUTPUT_TOKENS,
  };
  let text = "";
  let usage: TokenUsage = { promptTokens: 0, completionTokens: 0 };
  for await (const part of summarizer.provider.stream(request, signal)) {
    if (part.type === "text-delta") text += part.text;
    else if (part.type === "finish") usage = part.usage;
  }
  if (!text.trim()) throw new Error("the summarising model answered with no text");
  return { text: text.trim(), usage };
}
