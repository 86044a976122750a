/** Thinking levels and their token budgets; without an explicit level, keywords decide. */
import type { ThinkingLevel } from "../contracts";

export const THINKING_BUDGETS: Record<ThinkingLevel, number> = { off: 0, basic: 4_000, medium: 10_000, maximum: 32_000 };

export function inferThinkingLevel(text: string): ThinkingLevel {
  const lower = text.toLowerCase();
  if (/\bultrathink\b/.test(lower)) return "maximum";
  if (/\bthink (hard|harder|deeply)\b/.test(lower)) return "medium";
  if (/\bthink\b/.test(lower)) return "basic";
  return "off";
}

export function thinkingBudget(level: ThinkingLevel | null | undefined, text: string): number {
  return THINKING_BUDGETS[level ?? inferThinkingLevel(text)];
}
