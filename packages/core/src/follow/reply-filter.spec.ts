import type { EventName, LoggedEvent } from "../contracts";
import { ReplyFilter } from "./reply-filter";

let nextId = 1;
const ev = (event: EventName, data: Record<string, unknown>): LoggedEvent => ({ id: String(nextId++), event, data: data as never });
const userMessage = (messageId: string) => ev("user_message_created", { type: "user_message_created", messageId, content: "hi" });
const content = (text: string, extra: Record<string, unknown> = {}) => ev("content", { type: "content", content: text, ...extra });

const run = (filter: ReplyFilter, events: LoggedEvent[]) => events.map((event) => filter.accept(event));

describe("ReplyFilter", () => {
  it("keeps the text of its own run only, and ends at its complete", () => {
    const steps = run(new ReplyFilter("mine"), [
      userMessage("earlier"),
      content("not mine"),
      ev("complete", { type: "complete", done: true }),
      userMessage("mine"),
      ev("thinking", { type: "thinking", content: "hmm" }),
      content("Hello"),
      content(" from a subagent", { parentToolCallId: "t1" }),
      ev("complete", { type: "complete", done: true, parentToolCallId: "t1" }),
      content(" world"),
      ev("complete", { type: "complete", done: true }),
    ]);
    expect(steps.filter(Boolean)).toEqual([
      { kind: "text", text: "Hello" },
      { kind: "text", text: " world" },
      { kind: "complete", reason: "complete" },
    ]);
  });

  it("ends with the error of a failed run, but not at an announced retry", () => {
    const steps = run(new ReplyFilter("mine"), [
      userMessage("mine"),
      ev("error", { type: "provider_error", error: "overloaded", attempt: 1, maxAttempts: 3 }),
      content("partial"),
      ev("error", { type: "run_failed", error: "model unavailable" }),
    ]);
    expect(steps.filter(Boolean)).toEqual([
      { kind: "text", text: "partial" },
      { kind: "failed", error: "model unavailable" },
    ]);
  });

  it("ends a run stopped for credits as failed, saying so, whatever complete follows", () => {
    const steps = run(new ReplyFilter("mine"), [
      userMessage("mine"),
      content("so far"),
      ev("error", { type: "credits_exhausted", error: "The workspace's credits are used up" }),
      ev("complete", { type: "credits_exhausted", done: true }),
    ]);
    expect(steps.filter(Boolean)[1]).toEqual({ kind: "failed", error: "The workspace's credits are used up", type: "credits_exhausted" });
  });

  it("reports a restarted step without ending, and keeps each text's step", () => {
    const restarted = (assistantMessageId: string, extra: Record<string, unknown> = {}) =>
      ev("error", { type: "step_restarted", error: "worker lost", assistantMessageId, ...extra });
    const steps = run(new ReplyFilter("mine"), [
      userMessage("mine"),
      content("Hal", { assistantMessageId: "a1" }),
      restarted("a1"),
      // A subagent's restart is not the reply's.
      restarted("s1", { parentToolCallId: "t1" }),
      content("Whole", { assistantMessageId: "a2" }),
      ev("complete", { type: "complete", done: true }),
    ]);
    expect(steps.filter(Boolean)).toEqual([
      { kind: "text", text: "Hal", assistantMessageId: "a1" },
      { kind: "restarted", assistantMessageId: "a1", error: "worker lost" },
      { kind: "text", text: "Whole", assistantMessageId: "a2" },
      { kind: "complete", reason: "complete" },
    ]);
  });

  it("ends when the next run starts or the session is deleted", () => {
    expect(run(new ReplyFilter("mine"), [userMessage("mine"), userMessage("next")]).at(-1)).toEqual({ kind: "complete" });
    const deleted = ev("session_deleted", { type: "session_deleted", sessionId: "s" });
    expect(new ReplyFilter("mine").accept(deleted)).toEqual({ kind: "failed", error: "The conversation was deleted" });
  });
});
