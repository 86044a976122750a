/**
 * The context window of one agent loop: before each model call it knows what the request takes
 * (context/context-meter.ts) and, past COMPACTION_THRESHOLD of the model's input room, has the
 * sub-agent model summarise the older turns; a provider's "prompt too long" compacts and retries
 * the call once; `/compact` compacts on demand. Each compaction is stored as a marker message
 * (context/compaction-marker.ts) with the summariser's usage and cost, and shown to clients as
 * a `compact` call through the tool events they already handle.
 */
import { randomUUID } from "node:crypto";
import { compactedHistory, planCompaction, planFullCompaction, summarize, type CompactionPlan } from "../context/compaction";
import { COMPACT_TOOL_NAME, markerCallId, type CompactionMarkerInput } from "../context/compaction-marker";
import { ContextMeter } from "../context/context-meter";
import { estimateMessagesTokens } from "../context/token-estimate";
import { ContextOverflowError, type ModelMessage, type ModelRequest } from "../models/model-provider";
import type { ModelChoice } from "../models/selection/model-selector";
import { throwIfLeaseLost, type LoopScope, type LoopServices, type LoopSignals } from "./loop-types";
import type { ModelStepResult } from "./model-step";
import type { StreamedStep } from "./step-attempt";

export type { ContextServices } from "../context/context-services";

export interface Compacted {
  messageId: string;
  summarizedMessages: number;
  tokensBefore: number;
  tokensAfter: number;
}

export class LoopContext {
  private readonly meter = new ContextMeter();
  /** No call since the last compaction: a request still too long is sent as is, never compacted in a loop. */
  private justCompacted = false;

  constructor(
    private readonly scope: LoopScope,
    private readonly history: ModelMessage[],
    private readonly services: LoopServices,
    private readonly signals: LoopSignals,
  ) {}

  /** Streams the step `build` describes, compacting first when it nears the window, and once more if the provider finds it too long. */
  async stream(build: () => ModelRequest, stream: (request: ModelRequest) => Promise<StreamedStep>): Promise<StreamedStep> {
    const context = this.services.context;
    let request = build();
    if (context && context.threshold > 0 && !this.justCompacted) {
      const { tokens } = this.meter.measure(request);
      if (tokens > context.threshold * context.inputRoom(request.model, request.maxOutputTokens)) {
        if (await this.tryCompact("auto", request)) request = build();
      }
    }
    try {
      return this.recorded(request, await stream(request));
    } catch (error) {
      if (!(error instanceof ContextOverflowError) || !context) throw error;
      if (!(await this.tryCompact("overflow", request, true))) throw error;
      request = build();
      return this.recorded(request, await stream(request));
    }
  }

  /** `/compact`: everything before the command summarised; null when there is nothing to summarise yet. */
  async compactAll(instructions: string): Promise<Compacted | null> {
    const plan = planFullCompaction(this.history);
    return plan ? this.compact("command", plan, instructions) : null;
  }

  private recorded(request: ModelRequest, streamed: StreamedStep): StreamedStep {
    this.meter.record(request, streamed.step.usage);
    this.justCompacted = false;
    return streamed;
  }

  /** A failed automatic compaction lets the call go ahead; after an overflow (`rethrow`) the failure ends the run. */
  private async tryCompact(reason: "auto" | "overflow", request: ModelRequest, rethrow = false): Promise<boolean> {
    const room = this.services.context!.inputRoom(request.model, request.maxOutputTokens);
    const keep = Math.min(this.services.context!.keepRecentTokens, Math.floor(room / 4));
    const plan = planCompaction(this.history, keep);
    if (!plan) return false;
    try {
      return (await this.compact(reason, plan, "")) !== null;
    } catch (error) {
      if (rethrow || this.signals.signal.aborted) throw error;
      this.services.logger.warn({ err: error, runId: this.scope.runId, sessionId: this.scope.sessionId }, "compaction failed; the call is sent uncompacted");
      return false;
    }
  }

  private async compact(reason: CompactionMarkerInput["reason"], plan: CompactionPlan, instructions: string): Promise<Compacted> {
    const { scope, services, signals } = this;
    const messageId = randomUUID();
    const toolCallId = markerCallId(randomUUID());
    const tokensBefore = estimateMessagesTokens(this.history);
    const tagged = { assistantMessageId: messageId };
    await services.emit("tool_use_start", { type: "tool_use_start", id: toolCallId, name: COMPACT_TOOL_NAME, ...tagged });
    const progress = `Summarising ${plan.older.length} earlier messages (about ${tokensBefore} tokens) to fit the model's context window`;
    await services.emit("tool_execution_start", { type: "tool_execution_start", toolCallId, toolName: COMPACT_TOOL_NAME, progress });
    let summarizer: ModelChoice;
    let summary: Awaited<ReturnType<typeof summarize>>;
    try {
      summarizer = await services.context!.summarizer();
      const inputRoom = services.context!.inputRoom(summarizer.modelId);
      summary = await summarize({ provider: summarizer.provider, modelId: summarizer.modelId, inputRoom }, plan.older, instructions, signals.signal);
    } catch (error) {
      await services.emit("tool_execution_complete", {
        type: "tool_execution_complete",
        toolCallId,
        toolName: COMPACT_TOOL_NAME,
        progress: "Compaction failed",
        success: false,
      });
      throw error;
    }
    const compacted = compactedHistory(summary.text, plan.older, plan.kept);
    const tokensAfter = estimateMessagesTokens(compacted);
    const input: CompactionMarkerInput = { reason, keptFrom: plan.keptFrom, summarizedMessages: plan.older.length, tokensBefore, tokensAfter };
    await services.emit("tool_use_parameter_streaming_complete", {
      type: "tool_use_parameter_streaming_complete",
      id: toolCallId,
      name: COMPACT_TOOL_NAME,
      input: JSON.stringify(input),
      ...tagged,
    });
    throwIfLeaseLost(scope, signals);
    const step: ModelStepResult = {
      text: reason === "command" ? compactedText(input) : "",
      reasoning: "",
      reasoningDurationMs: 0,
      reasoningBlocks: [],
      toolCalls: [{ id: toolCallId, name: COMPACT_TOOL_NAME, input: JSON.stringify(input) }],
      finishReason: "compaction",
      usage: summary.usage,
      interrupted: false,
    };
    const nextIndex = await services.store.saveStep({
      workspaceId: scope.workspaceId,
      runId: scope.runId,
      sessionId: scope.sessionId,
      rollUpSessionIds: scope.rollUpSessionIds,
      turn: scope.turn,
      messageId,
      provider: summarizer.providerName,
      model: summarizer.modelId,
      step,
      usage: { ...summary.usage, cost: services.prices.costOf(summarizer.modelId, summary.usage) },
      sentBy: scope.sentBy,
    });
    await services.store.appendPart(messageId, nextIndex, { type: "tool_result", toolCallId, result: summary.text, isError: false });
    await services.emit("tool_execution_complete", {
      type: "tool_execution_complete",
      toolCallId,
      toolName: COMPACT_TOOL_NAME,
      progress: `Compacted: about ${tokensBefore} tokens of conversation now take ${tokensAfter}`,
      success: true,
    });
    this.history.splice(0, this.history.length, ...compacted);
    this.meter.reset();
    this.justCompacted = true;
    return { messageId, summarizedMessages: plan.older.length, tokensBefore, tokensAfter };
  }
}

/** What `/compact` answers. */
export function compactedText(input: Pick<CompactionMarkerInput, "summarizedMessages" | "tokensBefore" | "tokensAfter">): string {
  return `Compacted ${input.summarizedMessages} earlier messages into a summary: the conversation now takes about ${input.tokensAfter} tokens instead of ${input.tokensBefore}.`;
}
