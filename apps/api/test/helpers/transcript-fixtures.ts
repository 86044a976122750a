/**
 * Builds stored transcripts (messages, parts, runs) straight in Postgres, in the shapes the run
 * processor writes, for tests that need tool calls or callback results the scripted model does
 * not produce. This is test data, not a stand-in for our code: the API under test reads it.
 */
import type { Infrastructure } from "@mix/core";

type PrismaClient = Infrastructure["prisma"];
type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface SeedToolCall {
  id: string;
  name: string;
  input: string;
  result?: string;
  isError?: boolean;
}

export interface SeedTurn {
  user: string;
  /** Status of the user message's run; completed unless said otherwise. */
  runStatus?: RunStatus;
  assistant?: {
    text: string;
    reasoning?: { text: string; durationMs: number };
    toolCalls?: SeedToolCall[];
    /** Store tool results in a following "tool" message instead of the assistant message. */
    resultsInToolMessage?: boolean;
    callbackResults?: Record<string, string | number | boolean | null>[];
    model?: string;
    finishReason?: string;
  };
}

export interface SeededTurn {
  userId: string;
  assistantId?: string;
  toolMessageId?: string;
}

type PartRow = { type: "text" | "reasoning" | "tool_call" | "tool_result" | "callback_result"; data: object };

async function createMessage(
  prisma: PrismaClient,
  sessionId: string,
  turn: number,
  role: "user" | "assistant" | "tool",
  parts: PartRow[],
  extra: { model?: string; finishReason?: string } = {},
) {
  const message = await prisma.message.create({
    data: {
      sessionId,
      turn,
      role,
      model: extra.model ?? null,
      finishReason: extra.finishReason ?? null,
      parts: { create: parts.map((part, index) => ({ index, type: part.type, data: part.data })) },
    },
  });
  return message.id;
}

/** Appends one turn to the session, taking the next turn number as a sent message would. */
export async function seedTurn(prisma: PrismaClient, sessionId: string, seed: SeedTurn): Promise<SeededTurn> {
  const { turnCount: turn } = await prisma.session.update({ where: { id: sessionId }, data: { turnCount: { increment: 1 } } });
  const userId = await createMessage(prisma, sessionId, turn, "user", [{ type: "text", data: { type: "text", text: seed.user } }]);
  await prisma.run.create({ data: { id: userId, sessionId, status: seed.runStatus ?? "completed" } });
  const assistant = seed.assistant;
  if (!assistant) return { userId };

  const parts: PartRow[] = [];
  if (assistant.reasoning) parts.push({ type: "reasoning", data: { type: "reasoning", ...assistant.reasoning } });
  for (const call of assistant.toolCalls ?? []) {
    parts.push({ type: "tool_call", data: { type: "tool_call", toolCallId: call.id, name: call.name, input: call.input } });
  }
  const results: PartRow[] = (assistant.toolCalls ?? [])
    .filter((call) => call.result !== undefined)
    .map((call) => ({ type: "tool_result", data: { type: "tool_result", toolCallId: call.id, result: call.result, isError: call.isError ?? false } }));
  if (!assistant.resultsInToolMessage) parts.push(...results);
  parts.push({ type: "text", data: { type: "text", text: assistant.text } });
  for (const result of assistant.callbackResults ?? []) parts.push({ type: "callback_result", data: { type: "callback_result", result } });
  const assistantId = await createMessage(prisma, sessionId, turn, "assistant", parts, {
    model: assistant.model ?? "scripted",
    finishReason: assistant.finishReason ?? "stop",
  });
  if (!assistant.resultsInToolMessage || results.length === 0) return { userId, assistantId };
  const toolMessageId = await createMessage(prisma, sessionId, turn, "tool", results);
  return { userId, assistantId, toolMessageId };
}

/** A plain conversation of `count` turns: "question i" answered by "answer i". */
export async function seedConversation(prisma: PrismaClient, sessionId: string, count: number): Promise<SeededTurn[]> {
  const turns: SeededTurn[] = [];
  for (let i = 1; i <= count; i++) turns.push(await seedTurn(prisma, sessionId, { user: `question ${i}`, assistant: { text: `answer ${i}` } }));
  return turns;
}
