/**
 * Picks one run's reply out of its session's event stream. Runs of a session execute one at a
 * time, so the run's events are those after its `user_message_created` (matched by message id)
 * up to its `complete` or final `error`. Events of subagents (with `parentToolCallId`) are
 * part of the run but not of its reply. A `step_restarted` error is not an end: it says the
 * text of one step (by its assistantMessageId) was abandoned and is streamed again.
 */
import { CREDITS_EXHAUSTED, STEP_RESTARTED, type LoggedEvent } from "../contracts";

/** `reason` of a complete: the `complete` event's type ("complete", "cancelled", "max_steps_reached"). */
export type ReplyStep =
  | { kind: "text"; text: string; assistantMessageId?: string }
  | { kind: "restarted"; assistantMessageId: string; error: string }
  | { kind: "complete"; reason?: string }
  /** `type`: credits_exhausted for a run stopped because its workspace's credits ran out. */
  | { kind: "failed"; error: string; type?: typeof CREDITS_EXHAUSTED }
  | null;

export class ReplyFilter {
  private inRun = false;

  constructor(private readonly messageId: string) {}

  accept(event: LoggedEvent): ReplyStep {
    if (event.event === "session_deleted") return { kind: "failed", error: "The conversation was deleted" };
    const data = event.data as { parentToolCallId?: string };
    if (data.parentToolCallId !== undefined) return null;
    if (!this.inRun) {
      if (event.event === "user_message_created" && (event as LoggedEvent<"user_message_created">).data.messageId === this.messageId) {
        this.inRun = true;
      }
      return null;
    }
    switch (event.event) {
      case "content": {
        const { content, assistantMessageId } = (event as LoggedEvent<"content">).data;
        return { kind: "text", text: content, ...(assistantMessageId !== undefined ? { assistantMessageId } : {}) };
      }
      case "complete":
        return { kind: "complete", reason: (event as LoggedEvent<"complete">).data.type };
      case "error": {
        const { type, error, attempt, maxAttempts, assistantMessageId } = (event as LoggedEvent<"error">).data;
        if (type === STEP_RESTARTED) return assistantMessageId === undefined ? null : { kind: "restarted", assistantMessageId, error };
        // A provider retry is announced as an error with attempts left; the run goes on.
        if (attempt !== undefined && maxAttempts !== undefined && attempt < maxAttempts) return null;
        // A run stopped for credits says so: a chat answers it as a send at zero is answered (402).
        return { kind: "failed", error, ...(type === CREDITS_EXHAUSTED ? { type } : {}) };
      }
      case "user_message_created":
        // The next run started, so ours is over even though its end was not seen.
        return { kind: "complete" };
      default:
        return null;
    }
  }
}
