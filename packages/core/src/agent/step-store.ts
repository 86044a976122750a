/**
 * What the agent loop persists as it goes, as a port: the loop names the step it streams, stores
 * each finished step, appends tool and callback results to it, and opens a subagent's session.
 * runs/ implements it on Postgres; tests use an in-memory one.
 */
import type { PartData } from "../messages/parts";
import type { ModelStepResult } from "./model-step";

export interface StepUsage {
  promptTokens: number;
  completionTokens: number;
  /** Of promptTokens, read from and written to the provider's prompt cache. */
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  cost: number;
}

/** One model call, stored as one assistant message. */
/** The key and member that sent a run's message. */
export interface SentBy {
  apiKeyId: string | null;
  memberId: string | null;
}

export interface StepRecord {
  /** Whose credits pay for the call, and whose usage it is. */
  workspaceId: string;
  runId: string;
  sessionId: string;
  /** Sessions whose tokens and cost also grow by this step's (a subagent's parents). */
  rollUpSessionIds: readonly string[];
  turn: number;
  messageId: string;
  /** The model provider (MODEL_PROVIDER's names) and the model id called. */
  provider: string;
  model: string;
  step: ModelStepResult;
  usage: StepUsage;
  sentBy: SentBy;
  /**
   * The run's last step (the model answered without tools, in the run's own loop): the run is
   * marked completed in the same write, one statement fewer at its end.
   */
  endsRun?: boolean;
}

/** A subagent's own session, with the task's prompt as its first user message. */
export interface SubagentSessionRecord {
  workspaceId: string;
  parentSessionId: string;
  parentToolCallId: string;
  title: string;
  prompt: string;
  modelProvider: string | null;
  modelId: string | null;
}

export interface StepStore {
  /** Names the step the run streams now; its first event waits for this (see step-attempt.ts). */
  markStreaming(runId: string, messageId: string): Promise<void>;
  /**
   * The id the run already names as its streaming step (written when the run was marked
   * running), handed out once: the run's first step streams under it with no write of its own.
   */
  takeNamedStep?(runId: string): string | undefined;
  /**
   * Stores the step (see stepParts) with its usage (and its usage record and credit debit, on
   * Postgres), and stops naming it as the run's streaming step, at once. Returns the index the next part of its message takes.
   */
  saveStep(record: StepRecord): Promise<number>;
  /** Appends a part (a tool result, a callback result) to a stored message. */
  appendPart(messageId: string, index: number, data: PartData): Promise<void>;
  /** Returns the new session's id. */
  createSubagentSession(record: SubagentSessionRecord): Promise<string>;
}

/** The parts a step is stored as: its reasoning blocks, its text, then its tool calls. */
export function stepParts(step: ModelStepResult): PartData[] {
  const parts: PartData[] = [];
  // One part per reasoning block: a provider may need each back as it was (Anthropic's signatures).
  for (const block of step.reasoningBlocks) {
    if (!block.text && !block.providerMetadata) continue;
    parts.push({
      type: "reasoning",
      text: block.text,
      durationMs: block.durationMs,
      ...(block.providerMetadata ? { providerMetadata: block.providerMetadata } : {}),
    });
  }
  if (step.text || step.toolCalls.length === 0) parts.push({ type: "text", text: step.text });
  for (const call of step.toolCalls) {
    parts.push({
      type: "tool_call",
      toolCallId: call.id,
      name: call.name,
      input: call.input,
      ...(call.providerMetadata ? { providerMetadata: call.providerMetadata } : {}),
    });
  }
  return parts;
}
