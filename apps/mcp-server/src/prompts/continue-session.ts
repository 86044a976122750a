/** The `continue_session` prompt: the recent transcript of a session, to pick the work up again. */
import type { BackendMessage } from "@mix/core";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { safeString } from "@mix/core";
import type { ToolContext } from "../tools/tool-context";

/** Enough context to continue without flooding the model's window. */
const RECENT_MESSAGES = 20;
const MAX_MESSAGE_CHARS = 4_000;

export function registerContinueSession(server: McpServer, { services, principal }: ToolContext): void {
  server.registerPrompt(
    "continue_session",
    {
      title: "Continue session",
      description: "Loads the recent transcript of a session so the conversation can be continued with send_message.",
      argsSchema: { sessionId: safeString().min(1).describe("The session to continue") },
    },
    async ({ sessionId }) => {
      const session = await services.sessions.get(principal.workspaceId, sessionId);
      const messages = await services.messages.list(principal.workspaceId, sessionId);
      const recent = messages.slice(-RECENT_MESSAGES);
      const omitted = messages.length - recent.length;
      const transcript = recent.map(formatMessage).join("\n\n");
      const text =
        `We are continuing the agent session "${session.title}" (id ${session.id}).` +
        (omitted > 0 ? ` ${omitted} earlier message(s) are omitted; get_messages reads them.` : "") +
        `\n\nRecent transcript:\n\n${transcript || "(no messages yet)"}\n\n` +
        `Continue from here: send the next message to this session with the send_message tool (session_id ${session.id}).`;
      return { description: `Continue "${session.title}"`, messages: [{ role: "user", content: { type: "text", text } }] };
    },
  );
}

function formatMessage(message: BackendMessage): string {
  const body = message.role === "user" ? message.userInput : (message.assistantResponse ?? "");
  const tools = (message.toolCalls ?? []).map((call) => `[tool ${call.name}${call.isError ? " failed" : ""}]`).join(" ");
  const text = [body, tools].filter(Boolean).join("\n");
  return `${message.role.toUpperCase()}: ${text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text}`;
}
