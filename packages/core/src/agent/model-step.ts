/**
 * One model call of a run: streams the provider's output to the session's events (reasoning,
 * text and tool calls as their input arrives) and accumulates what must be persisted.
 * Cancellation stops it between two parts and keeps what had streamed so far.
 */
import type { EventName, EventPayload } from "../contracts";
import type { ModelMessage, ModelProvider, ModelRequest, ReasoningBlock, TokenUsage, ToolCallRequest } from "../models/model-provider";
import { EmitWindow } from "./emit-window";

export type Emit = <E extends EventName>(event: E, data: EventPayload<E>) => Promise<unknown>;

/** A reasoning block of a step, and how long the model spent on it. */
export interface StepReasoningBlock extends ReasoningBlock {
  durationMs: number;
}

export interface ModelStepResult {
  text: string;
  /** All the step's reasoning text, and the time spent on it (the sums of `reasoningBlocks`). */
  reasoning: string;
  reasoningDurationMs: number;
  /** The reasoning as the model's blocks, with what the provider needs them sent back with. */
  reasoningBlocks: StepReasoningBlock[];
  /** Complete tool calls, in the order the model made them. */
  toolCalls: ToolCallRequest[];
  finishReason: string;
  usage: TokenUsage;
  /** True when the signal stopped the stream before the model finished. */
  interrupted: boolean;
}

export async function runModelStep(
  provider: ModelProvider,
  request: ModelRequest,
  assistantMessageId: string,
  signal: AbortSignal,
  emitNow: Emit,
): Promise<ModelStepResult> {
  // Deltas go out without a round trip each (emit-window.ts); the step ends once all are out.
  const outbox = new EmitWindow(emitNow);
  const emit = outbox.emit;
  const result: ModelStepResult = {
    text: "",
    reasoning: "",
    reasoningDurationMs: 0,
    reasoningBlocks: [],
    toolCalls: [],
    finishReason: "stop",
    usage: { promptTokens: 0, completionTokens: 0 },
    interrupted: false,
  };
  // The block being streamed; a provider that never ends its blocks has one closed by its text or calls.
  let block: { data: StepReasoningBlock; startedAt: number } | undefined;
  const openBlock = () => {
    if (block) return block.data;
    block = { data: { text: "", durationMs: 0 }, startedAt: Date.now() };
    result.reasoningBlocks.push(block.data);
    return block.data;
  };
  const endReasoning = () => {
    if (!block) return;
    block.data.durationMs = Date.now() - block.startedAt;
    result.reasoningDurationMs += block.data.durationMs;
    block = undefined;
  };
  // Providers that send a call whole (no start, no deltas) still get a start event first.
  const started = new Set<string>();
  const startCall = async (id: string, name: string) => {
    if (started.has(id)) return;
    started.add(id);
    await emit("tool_use_start", { type: "tool_use_start", id, name, assistantMessageId });
  };

  try {
    for await (const part of provider.stream(request, signal)) {
      switch (part.type) {
        case "reasoning-delta":
          openBlock().text += part.text;
          result.reasoning += part.text;
          await emit("thinking", { type: "thinking", content: part.text, assistantMessageId });
          break;
        case "reasoning-end":
          // A block without deltas (redacted thinking) is kept for its metadata.
          if (part.providerMetadata) openBlock().providerMetadata = part.providerMetadata;
          endReasoning();
          break;
        case "text-delta":
          endReasoning();
          result.text += part.text;
          await emit("content", { type: "content", content: part.text, assistantMessageId });
          break;
        case "tool-call-start":
          endReasoning();
          await startCall(part.id, part.name);
          break;
        case "tool-call-delta":
          await emit("tool_use_parameter_delta", { type: "tool_use_parameter_delta", toolCallId: part.id, input: part.inputDelta, assistantMessageId });
          break;
        case "tool-call":
          endReasoning();
          await startCall(part.id, part.name);
          result.toolCalls.push({
            id: part.id,
            name: part.name,
            input: part.input,
            ...(part.providerMetadata ? { providerMetadata: part.providerMetadata } : {}),
          });
          await emit("tool_use_parameter_streaming_complete", {
            type: "tool_use_parameter_streaming_complete",
            id: part.id,
            name: part.name,
            input: part.input,
            assistantMessageId,
          });
          break;
        case "finish":
          result.finishReason = part.finishReason;
          result.usage = part.usage;
          break;
      }
    }
    await outbox.drain();
  } catch (error) {
    if (!signal.aborted) throw error;
    result.interrupted = true;
    result.finishReason = "cancelled";
    // A call cut off mid-stream never runs: the model did not finish asking for it.
    result.toolCalls = [];
  } finally {
    endReasoning();
    // Even a failed step's events are all settled before whatever comes next is emitted.
    await outbox.settle();
  }
  return result;
}

/** The step as the conversation's next assistant message, its reasoning blocks included; `sourceId`: the message it is stored as. */
export function assistantMessageOf(step: ModelStepResult, sourceId?: string): ModelMessage {
  const reasoning = step.reasoningBlocks.map(({ text, providerMetadata }) => ({ text, ...(providerMetadata ? { providerMetadata } : {}) }));
  return { role: "assistant", content: step.text, toolCalls: step.toolCalls, ...(reasoning.length ? { reasoning } : {}), ...(sourceId ? { sourceId } : {}) };
}
