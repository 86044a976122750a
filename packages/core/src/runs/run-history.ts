/**
 * The conversation a run sends to the model: every message up to the run's turn, with each
 * step's tool calls followed by their results. Callback output reaches the model as part of
 * the tool result unless the callback said `excludeFromContext`. Errors stay out; reasoning
 * comes along with what its provider attached to it. After a compaction (context/) the messages
 * its summary stands for are sent as that summary; the stored transcript keeps them all.
 */
import { INTERRUPTED_RESULT, callbackContextText } from "../agent/result-text";
import { compactedHistory } from "../context/compaction";
import { compactCommandOf, isMarkerCall, parseMarkerInput, type CompactionMarkerInput } from "../context/compaction-marker";
import type { PartData } from "../messages/parts";
import type { ModelMessage, ReasoningBlock, ToolCallRequest, ToolResultMessage } from "../models/model-provider";
import type { RunStepStore, TranscriptMessage } from "./run-step-store";

/** The last compaction of the transcript read so far, and where its marker stood. */
interface Compaction {
  input: CompactionMarkerInput;
  summary: string;
  /** History entries before the marker. */
  at: number;
}

export async function loadModelHistory(steps: Pick<RunStepStore, "transcript">, sessionId: string, upToTurn: number): Promise<ModelMessage[]> {
  return modelHistory(await steps.transcript(sessionId, upToTurn));
}

/** The model's history of a transcript already read (a first start's comes with its run: run-load.ts). */
export function modelHistory(transcript: TranscriptMessage[]): ModelMessage[] {
  const history: ModelMessage[] = [];
  let compaction: Compaction | undefined;
  for (const { id, role, parts } of transcript) {
    const text = parts.flatMap((data) => (data.type === "text" ? [data.text] : [])).join("");
    if (role === "user") {
      // A `/compact` message asked for the compaction its run stored; the model never sees it.
      if (text && compactCommandOf(text) === null) history.push({ role: "user", content: text, sourceId: id });
      continue;
    }
    // A compaction marker is never sent: the model was offered no `compact` tool.
    if (parts.some((data) => data.type === "tool_call" && isMarkerCall(data))) {
      const marker = compactionOf(parts);
      if (marker) compaction = { ...marker, at: history.length };
      continue;
    }
    const toolCalls: ToolCallRequest[] = parts.flatMap((data) =>
      data.type === "tool_call"
        ? [{ id: data.toolCallId, name: data.name, input: data.input, ...(data.providerMetadata ? { providerMetadata: data.providerMetadata } : {}) }]
        : [],
    );
    if (!text && toolCalls.length === 0) continue;
    // Reasoning is kept with its provider metadata; the provider adapter decides whether it goes back.
    const reasoning: ReasoningBlock[] = parts.flatMap((data) =>
      data.type === "reasoning" ? [{ text: data.text, ...(data.providerMetadata ? { providerMetadata: data.providerMetadata } : {}) }] : [],
    );
    history.push({
      role: "assistant",
      content: text,
      sourceId: id,
      ...(toolCalls.length ? { toolCalls } : {}),
      ...(reasoning.length ? { reasoning } : {}),
    });
    if (toolCalls.length) history.push({ role: "tool", results: toolResults(toolCalls, parts) });
  }
  return compaction ? applyCompaction(history, compaction) : history;
}

/** The summary and what it stands for, when the message is a finished compaction marker. */
function compactionOf(parts: PartData[]): Omit<Compaction, "at"> | null {
  const call = parts.find((data) => data.type === "tool_call" && isMarkerCall(data));
  if (call?.type !== "tool_call") return null;
  const result = parts.find((data) => data.type === "tool_result" && data.toolCallId === call.toolCallId);
  const input = parseMarkerInput(call.input);
  // A marker whose summary never got stored (its worker died) compacted nothing.
  if (result?.type !== "tool_result" || result.isError || !input) return null;
  return { input, summary: result.result };
}

/** The summary in place of the messages it stands for: those before `keptFrom`, or all before the marker. */
function applyCompaction(history: ModelMessage[], compaction: Compaction): ModelMessage[] {
  const { keptFrom } = compaction.input;
  const cut = keptFrom === null ? compaction.at : history.findIndex((message) => message.role !== "tool" && message.sourceId === keptFrom);
  // The kept part's first message is gone (a rewind): the whole transcript is safer than a guess.
  if (cut === -1) return history;
  return compactedHistory(compaction.summary, history.slice(0, cut), history.slice(cut));
}

function toolResults(calls: ToolCallRequest[], parts: PartData[]): ToolResultMessage[] {
  const results = new Map<string, ToolResultMessage>();
  let last: ToolResultMessage | undefined;
  for (const data of parts) {
    if (data.type === "tool_result") {
      const call = calls.find((candidate) => candidate.id === data.toolCallId);
      last = { toolCallId: data.toolCallId, toolName: call?.name ?? "", result: data.result, isError: data.isError };
      // Only the files are stored; the loop reads them again for the model it calls (agent/media-replay).
      if (data.media?.length && !data.isError) last.mediaRefs = data.media;
      results.set(data.toolCallId, last);
    } else if (data.type === "callback_result" && last) {
      // Callback results follow the tool result that triggered them.
      const note = callbackContextText(data);
      if (note) last.result = `${last.result}\n\n${note}`;
    }
  }
  // Every call gets a result, or providers refuse the conversation.
  return calls.map((call) => results.get(call.id) ?? { toolCallId: call.id, toolName: call.name, result: INTERRUPTED_RESULT, isError: true });
}
