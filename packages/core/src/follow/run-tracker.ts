/**
 * What a follower learns about one run from its session's events: the reply text, the tool
 * calls and how they went, and the permission request or question the run is waiting on. Where the run
 * starts and ends, and which text is the reply, is the ReplyFilter's call; this adds the
 * tool and permission events that the filter leaves out. Text and tool calls are kept per step
 * (assistant message id), so a step announced as abandoned (`step_restarted`) is dropped whole.
 */
import { ReplyFilter } from "./reply-filter";
import type { EventPayload, LoggedEvent } from "../contracts";
import { NOTIFY_TOOL_NAME } from "../tools/notify";

export type ToolCallStatus = "requested" | "awaiting_permission" | "running" | "succeeded" | "failed";

export interface ToolCallSummary {
  id: string;
  name: string;
  status: ToolCallStatus;
}

export interface PendingPermission {
  permissionId: string;
  toolName: string;
  description: string;
  action: string;
  path?: string;
  /** Asked by a subagent the run started (its Task call), not by the run's own tool call. */
  bySubagent: boolean;
}

/** A question the agent asked (its notify_user tool) that waits for the user's answer. */
export interface PendingQuestion {
  notificationId: string;
  title: string;
  message: string;
  responseType: "acknowledge" | "text" | "choice";
  choices?: string[];
  /** Seconds the question waits from when it was asked. */
  timeout: number;
  defaultValue?: string;
  bySubagent: boolean;
}

export type ReplyEnd = { kind: "complete"; reason?: string } | { kind: "failed"; error: string; type?: "credits_exhausted" };

export type RunStep =
  | { kind: "text"; text: string }
  | { kind: "tool_started"; call: ToolCallSummary }
  | { kind: "tool_finished"; call: ToolCallSummary }
  | { kind: "permission"; permission: PendingPermission }
  | { kind: "question"; question: PendingQuestion }
  /** A step whose text or tool calls were reported was abandoned: what it had said is void. `droppedText`: its text so far. */
  | { kind: "restarted"; error: string; droppedText: string }
  | { kind: "end"; end: ReplyEnd };

export class RunTracker {
  /** The reply's text per step (its assistant message id), in the order the steps started. */
  private readonly texts = new Map<string | undefined, string>();
  /** The step each tool call was streamed in. */
  private readonly callSteps = new Map<string, string | undefined>();
  /** The request the run waits on: set by its `permission` event, cleared once the tool starts or fails. */
  pending: PendingPermission | null = null;
  /** The question the run waits on: set by its `notification` event, cleared once its notify_user call ends. */
  question: PendingQuestion | null = null;
  private started = false;
  private readonly calls = new Map<string, ToolCallSummary>();
  private readonly filter: ReplyFilter;

  constructor(private readonly messageId: string) {
    this.filter = new ReplyFilter(messageId);
  }

  /** Whether the run's first event (its user message) was seen. */
  get inRun(): boolean {
    return this.started;
  }

  /** The reply so far: the text of every step that was not abandoned. */
  get text(): string {
    return [...this.texts.values()].join("");
  }

  toolCalls(): ToolCallSummary[] {
    return [...this.calls.values()].map((call) => ({ ...call }));
  }

  /**
   * The pending request was answered, though its tool's events are still to come. What comes
   * next is the call's start (a denied call starts too, to end as failed), so it counts as running.
   */
  answered(): void {
    for (const call of this.calls.values()) if (call.status === "awaiting_permission") call.status = "running";
    this.pending = null;
  }

  /** The pending question was answered (or timed out), though its call's end is still to come. */
  questionAnswered(): void {
    this.question = null;
  }

  accept(event: LoggedEvent): RunStep | null {
    const step = this.filter.accept(event);
    if (step?.kind === "text") {
      this.texts.set(step.assistantMessageId, (this.texts.get(step.assistantMessageId) ?? "") + step.text);
      return { kind: "text", text: step.text };
    }
    if (step?.kind === "restarted") return this.dropStep(step.assistantMessageId, step.error);
    if (step) {
      this.pending = null;
      this.question = null;
      return { kind: "end", end: step };
    }
    if (!this.started) {
      this.started = isRunStart(event, this.messageId);
      return null;
    }
    return this.acceptToolEvent(event);
  }

  /** An abandoned step's text goes, and so do its calls (they never ran: a step's calls run once it is stored). */
  private dropStep(assistantMessageId: string, error: string): RunStep | null {
    const droppedText = this.texts.get(assistantMessageId) ?? "";
    const hadText = this.texts.delete(assistantMessageId);
    let hadCalls = false;
    for (const [callId, stepId] of this.callSteps) {
      if (stepId !== assistantMessageId) continue;
      hadCalls = this.calls.delete(callId) || hadCalls;
      this.callSteps.delete(callId);
    }
    return hadText || hadCalls ? { kind: "restarted", error, droppedText } : null;
  }

  private acceptToolEvent(event: LoggedEvent): RunStep | null {
    const bySubagent = (event.data as { parentToolCallId?: string }).parentToolCallId !== undefined;
    switch (event.event) {
      case "permission": {
        const data = event.data as EventPayload<"permission">;
        // Calls run one at a time: a new request means the previous one was answered.
        this.answered();
        this.pending = {
          permissionId: data.id,
          toolName: data.toolName,
          description: data.description,
          action: data.action,
          ...(data.path !== undefined ? { path: data.path } : {}),
          bySubagent,
        };
        // The event names no call; calls run one at a time, so it is the first of that tool not yet run.
        const call = bySubagent ? undefined : [...this.calls.values()].find((c) => c.name === data.toolName && c.status === "requested");
        if (call) call.status = "awaiting_permission";
        return { kind: "permission", permission: this.pending };
      }
      case "notification": {
        const data = event.data as EventPayload<"notification">;
        // A notice asks nothing: only a question holds the run.
        if (data.notificationType !== "question") return null;
        this.question = {
          notificationId: data.id,
          title: data.title,
          message: data.message,
          responseType: data.responseType,
          timeout: data.timeout,
          ...(data.choices ? { choices: data.choices } : {}),
          ...(data.defaultValue !== undefined ? { defaultValue: data.defaultValue } : {}),
          bySubagent,
        };
        return { kind: "question", question: this.question };
      }
      case "tool_use_start": {
        if (bySubagent) return null;
        const data = event.data as EventPayload<"tool_use_start">;
        this.calls.set(data.id, { id: data.id, name: data.name, status: "requested" });
        this.callSteps.set(data.id, data.assistantMessageId);
        return null;
      }
      case "tool_execution_start":
      case "tool_execution_complete": {
        const data = event.data as EventPayload<"tool_execution_start"> & Partial<EventPayload<"tool_execution_complete">>;
        // A tool that starts or ends (a refusal ends without running) is no longer waiting.
        if (this.pending?.toolName === data.toolName && this.pending.bySubagent === bySubagent) this.pending = null;
        // A question is asked inside its call: the call's end (answered, or timed out) ends the wait.
        if (finishedEvent(event) && this.question && this.question.bySubagent === bySubagent && data.toolName === NOTIFY_TOOL_NAME) this.question = null;
        if (bySubagent) return null;
        const finished = event.event === "tool_execution_complete";
        const status: ToolCallStatus = !finished ? "running" : data.success ? "succeeded" : "failed";
        const call = this.calls.get(data.toolCallId) ?? { id: data.toolCallId, name: data.toolName, status };
        call.status = status;
        this.calls.set(call.id, call);
        return { kind: finished ? "tool_finished" : "tool_started", call: { ...call } };
      }
      default:
        return null;
    }
  }
}

const finishedEvent = (event: LoggedEvent) => event.event === "tool_execution_complete";

function isRunStart(event: LoggedEvent, messageId: string): boolean {
  if (event.event !== "user_message_created") return false;
  const data = event.data as EventPayload<"user_message_created">;
  return data.messageId === messageId && data.parentToolCallId === undefined;
}
