/**
 * A session's transcript as the console shows it: the stored history, then the stream's events
 * folded in. Streamed text and thinking are kept per assistantMessageId (a step named by a
 * `step_restarted` error is dropped whole, as the API's README asks), tool calls by id, and
 * whatever carries a parentToolCallId (a subagent's work) is kept under that Task call.
 */
import type { Message, NotificationRequest, PermissionRequest, StreamEvent } from "./types";

export interface ToolCallView {
  id: string;
  name: string;
  input: string;
  status: "preparing" | "running" | "done";
  success?: boolean;
  progress?: string;
  result?: string;
}

export interface StepView {
  kind: "step";
  id: string;
  text: string;
  thinking: string;
  /** How many content deltas the stream delivered for this step (0 for a stored step). */
  deltas: number;
  toolCalls: ToolCallView[];
  stored: boolean;
  messageIndex?: number;
}

export type Entry =
  | { kind: "user"; id: string; text: string; messageIndex?: number }
  | StepView
  | { kind: "permission"; request: PermissionRequest; state: "pending" | "granted" | "always" | "denied" | "failed"; detail?: string }
  | { kind: "notification"; request: NotificationRequest; state: "pending" | "answered" | "failed"; answer?: string; detail?: string }
  | { kind: "notice"; id: string; level: "error" | "info"; text: string };

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const TOP = "";

export class Transcript {
  /** Entries per parent: TOP for the session itself, a Task call's id for its subagent. */
  private readonly groups = new Map<string, Entry[]>();
  private readonly steps = new Map<string, StepView>();
  private readonly toolCalls = new Map<string, ToolCallView>();
  private readonly userIds = new Set<string>();
  private noticeCount = 0;

  entries(parent: string = TOP): Entry[] {
    return this.groups.get(parent) ?? [];
  }

  private push(parent: string, entry: Entry): void {
    const list = this.groups.get(parent) ?? [];
    list.push(entry);
    this.groups.set(parent, list);
  }

  /** When the stream could not replay what was missed: the stored history, anew. */
  replaceHistory(messages: Message[]): void {
    this.groups.clear();
    this.steps.clear();
    this.toolCalls.clear();
    this.userIds.clear();
    this.loadHistory(messages);
  }

  loadHistory(messages: Message[]): void {
    messages.forEach((message, messageIndex) => {
      if (message.role === "user") {
        this.userIds.add(message.id);
        this.push(TOP, { kind: "user", id: message.id, text: message.userInput, messageIndex });
      } else if (message.role === "assistant") {
        const step: StepView = {
          kind: "step",
          id: message.id,
          text: message.assistantResponse ?? "",
          thinking: message.reasoning ?? "",
          deltas: 0,
          toolCalls: (message.toolCalls ?? []).map((call) => ({
            id: call.id,
            name: call.name,
            input: call.input,
            status: "done",
            success: call.finished ? !call.isError : undefined,
            result: call.result,
          })),
          stored: true,
          messageIndex,
        };
        this.steps.set(step.id, step);
        for (const call of step.toolCalls) this.toolCalls.set(call.id, call);
        this.push(TOP, step);
      }
    });
  }

  /** After a run: the stored results of tool calls, and where each entry sits for fork/rewind. */
  attachStored(messages: Message[]): void {
    messages.forEach((message, messageIndex) => {
      const step = this.steps.get(message.id);
      if (step) step.messageIndex = messageIndex;
      for (const entry of this.entries(TOP)) if (entry.kind === "user" && entry.id === message.id) entry.messageIndex = messageIndex;
      for (const stored of message.toolCalls ?? []) {
        const call = this.toolCalls.get(stored.id);
        if (call && stored.result !== undefined) call.result = stored.result;
      }
    });
  }

  /** Folds one event in; answers whether anything shown changed. */
  apply(event: StreamEvent): boolean {
    const data = event.data;
    const parent = str(data.parentToolCallId) ?? TOP;
    switch (event.event) {
      case "user_message_created": {
        const id = str(data.messageId) ?? `user-${event.id}`;
        if (this.userIds.has(id)) return false;
        this.userIds.add(id);
        this.push(parent, { kind: "user", id, text: str(data.content) ?? "" });
        return true;
      }
      case "content":
      case "thinking": {
        const step = this.step(data, parent);
        if (step.stored) return false;
        if (event.event === "content") {
          step.text += str(data.content) ?? "";
          step.deltas += 1;
        } else step.thinking += str(data.content) ?? "";
        return true;
      }
      case "tool_use_start": {
        const step = this.step(data, parent);
        const id = str(data.id) ?? "";
        if (step.stored || this.toolCalls.has(id)) return false;
        const call: ToolCallView = { id, name: str(data.name) ?? "?", input: "", status: "preparing" };
        this.toolCalls.set(id, call);
        step.toolCalls.push(call);
        return true;
      }
      case "tool_use_parameter_delta":
        return this.updateCall(str(data.toolCallId), (call) => (call.input += str(data.input) ?? ""));
      case "tool_use_parameter_streaming_complete":
        return this.updateCall(str(data.id), (call) => (call.input = str(data.input) ?? call.input));
      case "tool_execution_start":
        return this.updateCall(str(data.toolCallId), (call) => (call.status = "running"), data, parent);
      case "tool_execution_complete":
        return this.updateCall(
          str(data.toolCallId),
          (call) => Object.assign(call, { status: "done", success: data.success === true, progress: str(data.progress) }),
          data,
          parent,
        );
      case "permission":
        this.push(parent, { kind: "permission", request: data as unknown as PermissionRequest, state: "pending" });
        return true;
      case "notification":
        this.push(parent, { kind: "notification", request: data as unknown as NotificationRequest, state: "pending" });
        return true;
      case "error":
        return this.error(data, parent);
      case "complete":
        if (data.type === "cancelled") this.notice(parent, "info", "Cancelled.");
        return data.type === "cancelled";
      default:
        return false;
    }
  }

  private error(data: Record<string, unknown>, parent: string): boolean {
    if (data.type === "step_restarted") {
      const id = str(data.assistantMessageId);
      const step = id ? this.steps.get(id) : undefined;
      if (!step || step.stored) return false;
      this.steps.delete(step.id);
      for (const call of step.toolCalls) this.toolCalls.delete(call.id);
      for (const [key, list] of this.groups)
        this.groups.set(
          key,
          list.filter((entry) => entry !== step),
        );
      return true;
    }
    if (data.type === "retry") return false;
    this.notice(parent, "error", str(data.error) ?? "Error");
    return true;
  }

  private notice(parent: string, level: "error" | "info", text: string): void {
    this.push(parent, { kind: "notice", id: `notice-${++this.noticeCount}`, level, text });
  }

  private step(data: Record<string, unknown>, parent: string): StepView {
    const id = str(data.assistantMessageId) ?? `live:${parent}`;
    let step = this.steps.get(id);
    if (!step) {
      step = { kind: "step", id, text: "", thinking: "", deltas: 0, toolCalls: [], stored: false };
      this.steps.set(id, step);
      this.push(parent, step);
    }
    return step;
  }

  private updateCall(id: string | undefined, change: (call: ToolCallView) => void, data?: Record<string, unknown>, parent = TOP): boolean {
    if (!id) return false;
    let call = this.toolCalls.get(id);
    if (!call) {
      // Started before this page joined the stream: shown from here on.
      if (!data) return false;
      call = { id, name: str(data.toolName) ?? "?", input: "", status: "running" };
      this.toolCalls.set(id, call);
      this.step({}, parent).toolCalls.push(call);
    }
    change(call);
    return true;
  }
}
