/** Maps a stored session to the contract's SessionData. */
import type { Session } from "@mix/db";
import { BrowserMode, DEFAULT_BROWSER_MODE, type SessionData } from "../contracts";

export interface SessionCounts {
  userMessageCount: number;
  assistantMessageCount: number;
  toolCallCount: number;
  firstUserMessage?: string;
}

export function toSessionData(session: Session, counts: SessionCounts): SessionData {
  const callbacks = Array.isArray(session.callbacks) ? (session.callbacks as Record<string, unknown>[]) : [];
  return {
    id: session.id,
    title: session.title,
    sessionType: session.sessionType,
    ...(session.subagentType === "general-purpose" ? { subagentType: "general-purpose" as const } : {}),
    ...(session.parentSessionId ? { parentSessionId: session.parentSessionId } : {}),
    ...(session.parentToolCallId ? { parentToolCallId: session.parentToolCallId } : {}),
    ...(counts.firstUserMessage !== undefined ? { firstUserMessage: counts.firstUserMessage } : {}),
    userMessageCount: counts.userMessageCount,
    assistantMessageCount: counts.assistantMessageCount,
    toolCallCount: counts.toolCallCount,
    promptTokens: session.promptTokens,
    completionTokens: session.completionTokens,
    cacheReadTokens: session.cacheReadTokens,
    cacheWriteTokens: session.cacheWriteTokens,
    cost: session.cost,
    createdAt: session.createdAt.toISOString(),
    ...(callbacks.length ? { callbacks } : {}),
    ...(session.modelProvider ? { provider: session.modelProvider } : {}),
    ...(session.modelId ? { modelId: session.modelId } : {}),
    // The column is constrained to the modes; a value it somehow holds otherwise reads as the default.
    browserMode: BrowserMode.safeParse(session.browserMode).data ?? DEFAULT_BROWSER_MODE,
    ...(session.cdpUrl ? { cdpUrl: session.cdpUrl } : {}),
  };
}
