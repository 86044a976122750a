/**
 * The text a client shows from a session's events, by the README's rules: `content` deltas are
 * appended per `assistantMessageId`, and an `error` of type `step_restarted` drops everything
 * held for the id it names. Only the events of one level count: the run's own (no
 * `parentToolCallId`), or those of one subagent.
 */
interface StreamEvent {
  event: string;
  data: unknown;
}

export function streamedText(events: readonly StreamEvent[], parentToolCallId?: string): string {
  const steps = new Map<string | undefined, string>();
  for (const { event, data } of events) {
    const payload = data as { type?: string; content?: string; assistantMessageId?: string; parentToolCallId?: string };
    if (payload.parentToolCallId !== parentToolCallId) continue;
    if (event === "content") steps.set(payload.assistantMessageId, (steps.get(payload.assistantMessageId) ?? "") + (payload.content ?? ""));
    if (event === "error" && payload.type === "step_restarted") steps.delete(payload.assistantMessageId);
  }
  return [...steps.values()].join("");
}
