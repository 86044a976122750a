/** The run tracker keeps text and tool calls per step, and drops a step announced as abandoned whole. */
import type { EventName, LoggedEvent } from "../contracts";
import { RunTracker } from "./run-tracker";

let nextId = 1;
const ev = (event: EventName, data: Record<string, unknown>): LoggedEvent => ({ id: String(nextId++), event, data: data as never });

it("leaves an abandoned step's text and unrun calls out of the reply", () => {
  const tracker = new RunTracker("m1");
  const steps = [
    ev("user_message_created", { type: "user_message_created", messageId: "m1", content: "hi" }),
    ev("content", { type: "content", content: "I'll list", assistantMessageId: "a1" }),
    ev("tool_use_start", { type: "tool_use_start", id: "call_1", name: "list_directory", assistantMessageId: "a1" }),
    ev("error", { type: "step_restarted", error: "The worker was lost", assistantMessageId: "a1" }),
    // Nothing of this step reached the caller: no notification for it.
    ev("error", { type: "step_restarted", error: "The worker was lost", assistantMessageId: "unseen" }),
    ev("content", { type: "content", content: "I'll look", assistantMessageId: "a2" }),
    ev("tool_use_start", { type: "tool_use_start", id: "call_2", name: "list_directory", assistantMessageId: "a2" }),
    ev("tool_execution_complete", { type: "tool_execution_complete", toolCallId: "call_2", toolName: "list_directory", progress: "done", success: true }),
    ev("content", { type: "content", content: " Empty.", assistantMessageId: "a3" }),
    ev("complete", { type: "complete", done: true }),
  ].map((event) => tracker.accept(event));

  expect(steps.filter(Boolean).map((step) => step!.kind)).toEqual(["text", "restarted", "text", "tool_finished", "text", "end"]);
  expect(tracker.text).toBe("I'll look Empty.");
  expect(tracker.toolCalls()).toEqual([{ id: "call_2", name: "list_directory", status: "succeeded" }]);
});
