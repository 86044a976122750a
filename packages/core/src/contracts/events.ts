/**
 * The SSE events of `GET /stream`, in the contract's shapes. On the wire each event is
 * `id: <per-session sequence>`, `event: <name>`, `data: <JSON payload>`; the payload carries
 * the event name again in `type`.
 */
import { z } from "zod";

const nested = { parentToolCallId: z.string().optional() };

/**
 * The `type` of an `error` event saying that a model step was abandoned and is streamed again
 * (its worker died, or the model call is retried): a client drops everything it holds for the
 * event's `assistantMessageId`; the new attempt streams under a new id. The run goes on.
 */
export const STEP_RESTARTED = "step_restarted";

export const EventPayloads = {
  connected: z.object({ sessionId: z.string() }),
  heartbeat: z.object({ type: z.string() }),
  error: z.object({
    type: z.string().optional(),
    error: z.string(),
    attempt: z.number().int().optional(),
    maxAttempts: z.number().int().optional(),
    retryAfter: z.number().int().optional(),
    /** With type `step_restarted`: the abandoned step, whose streamed output the client drops. */
    assistantMessageId: z.string().optional(),
    ...nested,
  }),
  complete: z.object({
    type: z.string(),
    done: z.boolean(),
    messageId: z.string().optional(),
    content: z.string().optional(),
    reasoning: z.string().optional(),
    reasoningDuration: z.number().int().optional(),
    ...nested,
  }),
  thinking: z.object({ type: z.string(), content: z.string(), assistantMessageId: z.string().optional(), ...nested }),
  content: z.object({ type: z.string(), content: z.string(), assistantMessageId: z.string().optional(), ...nested }),
  tool_use_start: z.object({ type: z.string(), id: z.string(), name: z.string(), assistantMessageId: z.string().optional(), ...nested }),
  tool_use_parameter_delta: z.object({
    type: z.string(),
    toolCallId: z.string(),
    input: z.string(),
    assistantMessageId: z.string().optional(),
    ...nested,
  }),
  tool_use_parameter_streaming_complete: z.object({
    type: z.string(),
    id: z.string(),
    name: z.string(),
    input: z.string(),
    assistantMessageId: z.string().optional(),
    ...nested,
  }),
  tool_execution_start: z.object({ type: z.string(), toolCallId: z.string(), toolName: z.string(), progress: z.string(), ...nested }),
  tool_execution_complete: z.object({
    type: z.string(),
    toolCallId: z.string(),
    toolName: z.string(),
    progress: z.string(),
    success: z.boolean(),
    ...nested,
  }),
  permission: z.object({
    type: z.string(),
    id: z.string(),
    sessionId: z.string(),
    toolName: z.string(),
    description: z.string(),
    action: z.string(),
    path: z.string().optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    ...nested,
  }),
  notification: z.object({
    type: z.string(),
    id: z.string(),
    sessionId: z.string(),
    notificationType: z.enum(["info", "warning", "error", "question"]),
    title: z.string(),
    message: z.string(),
    responseType: z.enum(["acknowledge", "text", "choice"]),
    /** Seconds the answer is waited for; after that the stated default (or no answer) goes back to the agent. */
    timeout: z.number().int(),
    /** Unix seconds, like session_created's. */
    createdAt: z.number().int(),
    choices: z.array(z.string()).optional(),
    /** Beyond the contract: the answer taken when none comes in time. */
    defaultValue: z.string().optional(),
    ...nested,
  }),
  user_message_created: z.object({ type: z.string(), messageId: z.string(), content: z.string(), ...nested }),
  session_created: z.object({ type: z.string(), sessionId: z.string(), title: z.string(), createdAt: z.number().int() }),
  session_deleted: z.object({ type: z.string(), sessionId: z.string() }),
} as const;

export type EventName = keyof typeof EventPayloads;
export type EventPayload<E extends EventName> = z.infer<(typeof EventPayloads)[E]>;
export const EVENT_NAMES = Object.keys(EventPayloads) as EventName[];

/** Events written to a session's log by a run (as opposed to per-connection ones). */
export type RunEventName = Exclude<EventName, "connected" | "heartbeat">;

/** An event as stored in the session log and delivered to clients. */
export interface LoggedEvent<E extends EventName = EventName> {
  /** Per-session sequence number, as a decimal string (the SSE `id`). */
  id: string;
  event: E;
  data: EventPayload<E>;
}
