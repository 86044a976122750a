/**
 * One model call of a run: streams the provider's output to the session's events and
 * accumulates what must be persisted. Cancellation stops it between two deltas and keeps
 * what had streamed so far.
 */
import type { EventName, EventPayload } from "../contracts";
import type { ModelProvider, ModelRequest, TokenUsage } from "./provider";

export type Emit = <E extends EventName>(event: E, data: EventPayload<E>) => Promise<unknown>;

export interface AgentStepResult {
  text: string;
  reasoning: string;
  reasoningDurationMs: number;
  finishReason: string;
  usage: TokenUsage;
  /** True when the signal stopped the stream before the model finished. */
  interrupted: boolean;
}

export async function runAgentStep(
  provider: ModelProvider,
  request: ModelRequest,
  assistantMessageId: string,
  signal: AbortSignal,
  emit: Emit,
): Promise<AgentStepResult> {
  const result: AgentStepResult = {
    text: "",
    reasoning: "",
    reasoningDurationMs: 0,
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    interrupted: false,
  };
  let reasoningStartedAt: number | undefined;
  const endReasoning = () => {
    if (reasoningStartedAt === undefined) return;
    result.reasoningDurationMs += Date.now() - reasoningStartedAt;
    reasoningStartedAt = undefined;
  };

  try {
    for await (const part of provider.stream(request, signal)) {
      if (part.type === "reasoning-delta") {
        reasoningStartedAt ??= Date.now();
        result.reasoning += part.text;
        await emit("thinking", { type: "thinking", content: part.text, assistantMessageId });
      } else if (part.type === "text-delta") {
        endReasoning();
        result.text += part.text;
        await emit("content", { type: "content", content: part.text, assistantMessageId });
      } else if (part.type === "finish") {
        result.finishReason = part.finishReason;
        result.usage = part.usage;
      }
      // Tool calls are not offered to the model yet (no tools in the request), so none arrive.
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    result.interrupted = true;
    result.finishReason = "cancelled";
  } finally {
    endReasoning();
  }
  return result;
}
