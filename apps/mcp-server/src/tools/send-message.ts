/**
 * send_message: sends a user message and waits for the agent's reply, reporting its text as MCP
 * progress notifications while it is generated. A reply slower than the timeout is returned as
 * far as it got; the run continues and the rest can be read with get_messages.
 */
import { SendMessageRequest, type BackendMessage } from "@mix/core";
import { z } from "zod";
import { followRun } from "./follow-run";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

export const DEFAULT_TIMEOUT_SECONDS = 120;
export const MAX_TIMEOUT_SECONDS = 600;

const ToolCallSummary = z.object({ name: z.string(), finished: z.boolean(), isError: z.boolean() });

export const registerSendMessage: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "send_message",
    {
      title: "Send message",
      description:
        "Sends a message to the agent of a session and waits for its reply (streamed as progress notifications). " +
        "Returns the answer text and the tools the agent called. If the reply takes longer than timeout_seconds, " +
        "returns the text so far with status 'timeout': the agent keeps working; read the rest later with get_messages.",
      inputSchema: {
        session_id: z.string().min(1).describe("The session to talk to (create_session makes one)"),
        text: z.string().min(1).describe("The message; '/name args' runs a custom command"),
        timeout_seconds: z
          .number()
          .int()
          .min(1)
          .max(MAX_TIMEOUT_SECONDS)
          .default(DEFAULT_TIMEOUT_SECONDS)
          .describe(`How long to wait for the reply (1-${MAX_TIMEOUT_SECONDS} s)`),
      },
      outputSchema: {
        sessionId: z.string(),
        messageId: z.string(),
        status: z.enum(["completed", "failed", "timeout"]),
        answer: z.string(),
        toolCalls: z.array(ToolCallSummary),
        note: z.string().optional(),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ session_id, text, timeout_seconds }, extra) =>
      guarded(async () => {
        // The REST API's validation of the text (not empty, length limit).
        const request = SendMessageRequest.parse({ text, plan_mode: false });
        await services.sessions.require(principal.workspaceId, session_id);
        // The reply's events come after this id; taken before sending so none is missed.
        const afterEventId = await services.events.lastId(session_id);
        const { messageId } = await services.messages.send(principal.workspaceId, session_id, request);

        const progressToken = extra._meta?.progressToken;
        let deltas = 0;
        let notifications = Promise.resolve();
        let clientGone = false;
        const onText = (delta: string) => {
          if (progressToken === undefined || clientGone) return;
          const progress = ++deltas;
          // Chained so they arrive in order.
          notifications = notifications
            .then(() => extra.sendNotification({ method: "notifications/progress", params: { progressToken, progress, message: delta } }))
            .catch(() => {
              // A client that went away only loses its progress; the reply is still awaited and stored.
              clientGone = true;
            });
        };
        const followed = await followRun(
          services,
          { sessionId: session_id, messageId, afterEventId },
          { timeoutMs: timeout_seconds * 1000, signal: extra.signal, onText },
        );
        await notifications;

        const toolCalls = summarizeToolCalls(await services.messages.list(principal.workspaceId, session_id), messageId);
        const base = { sessionId: session_id, messageId, answer: followed.text, toolCalls };
        switch (followed.outcome.kind) {
          case "complete":
            return dataResult({ ...base, status: "completed" as const });
          case "failed":
            return { ...dataResult({ ...base, status: "failed" as const, note: followed.outcome.error }), isError: true };
          default:
            // Timed out (or the client cancelled the request, which then ignores this result).
            return dataResult({
              ...base,
              status: "timeout" as const,
              note: `The reply was not finished after ${timeout_seconds} s; the agent is still working. Call get_messages with session_id ${session_id} to read the rest.`,
            });
        }
      }),
  );
};

/** The tool calls of the reply: those of the messages stored after the user message. */
function summarizeToolCalls(messages: BackendMessage[], userMessageId: string): z.infer<typeof ToolCallSummary>[] {
  const start = messages.findIndex((message) => message.id === userMessageId);
  if (start < 0) return [];
  return messages
    .slice(start + 1)
    .flatMap((message) => message.toolCalls ?? [])
    .map((call) => ({ name: call.name, finished: call.finished, isError: call.isError ?? false }));
}
