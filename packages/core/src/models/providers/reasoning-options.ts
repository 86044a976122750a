/**
 * Our one reasoning knob (a token budget) in each provider's own terms. A budget of 0 sends
 * nothing, leaving the model at its default: some models cannot turn reasoning off, and would
 * refuse the request if asked to.
 */
import type { JSONValue } from "@ai-sdk/provider";
import type { ProviderKind } from "./provider-kind";

type ProviderOptions = Record<string, Record<string, JSONValue>>;

export function reasoningOptions(kind: ProviderKind, budget: number): ProviderOptions | undefined {
  if (budget <= 0) return undefined;
  switch (kind) {
    case "anthropic":
      return { anthropic: { thinking: { type: "enabled", budgetTokens: budget } } };
    case "openai":
      return { openai: { reasoningEffort: effortFor(budget) } };
    case "gemini":
      return { google: { thinkingConfig: { thinkingBudget: budget, includeThoughts: true } } };
    case "openrouter":
    case "openai-compatible":
      return { openaiCompatible: { reasoningEffort: effortFor(budget) } };
  }
}

/** Effort levels for APIs that take no budget; the thresholds are THINKING_BUDGETS' levels. */
export function effortFor(budget: number): "low" | "medium" | "high" {
  if (budget <= 4_000) return "low";
  if (budget <= 10_000) return "medium";
  return "high";
}
