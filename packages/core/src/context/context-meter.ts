/**
 * How many input tokens the loop's next request takes, known before it is sent: the input the
 * provider reported for the previous call plus an estimate of the messages added since (its
 * answer, the tool results), so the estimate's error never grows with the conversation. With no
 * earlier call to go by (a run's first step, or right after a compaction) the whole request is
 * estimated.
 */
import type { ModelMessage, ModelRequest, TokenUsage } from "../models/model-provider";
import { estimateMessagesTokens, estimateRequestTokens } from "./token-estimate";

export interface RequestSize {
  tokens: number;
  /** "reported": the provider's count of the previous call plus an estimate of what was added. */
  source: "reported" | "estimated";
}

interface Baseline {
  promptTokens: number;
  /** The conversation the count was for: its first message and length identify it. */
  first: ModelMessage | undefined;
  length: number;
}

export class ContextMeter {
  private baseline: Baseline | undefined;

  measure(request: Pick<ModelRequest, "system" | "tools" | "messages">): RequestSize {
    const { baseline } = this;
    const { messages } = request;
    if (baseline && messages.length >= baseline.length && messages[0] === baseline.first) {
      return { tokens: baseline.promptTokens + estimateMessagesTokens(messages.slice(baseline.length)), source: "reported" };
    }
    return { tokens: estimateRequestTokens(request), source: "estimated" };
  }

  /** The provider's count for a request that was sent; a provider that reports none leaves the estimate in charge. */
  record(request: Pick<ModelRequest, "messages">, usage: TokenUsage): void {
    if (usage.promptTokens <= 0) return;
    this.baseline = { promptTokens: usage.promptTokens, first: request.messages[0], length: request.messages.length };
  }

  /** The conversation was replaced (compacted): its old count says nothing of it. */
  reset(): void {
    this.baseline = undefined;
  }
}
