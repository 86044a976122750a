/**
 * The passages retrieved for a run go with its user message, not into the system prompt: the
 * system prompt stays the same from run to run (a provider's cached prefix keeps holding), and
 * each passage sits next to the question it was found for. Only the copy sent to the model
 * changes; the stored message is the user's own text.
 */
import type { ModelMessage } from "../models/model-provider";

export function groundedHistory(history: ModelMessage[], knowledgePrompt: string): ModelMessage[] {
  if (!knowledgePrompt) return history;
  const index = history.findLastIndex((message) => message.role === "user");
  if (index < 0) return history;
  const message = history[index] as Extract<ModelMessage, { role: "user" }>;
  const grounded: ModelMessage = { ...message, content: `${knowledgePrompt}\n\n## The user's message\n\n${message.content}` };
  return [...history.slice(0, index), grounded, ...history.slice(index + 1)];
}
