/**
 * Session transcripts as resources: `mix://sessions/{id}` is the session's export JSON, and the
 * template's list names every session of the workspace so a client can browse them.
 */
import { isSafeText, UNSAFE_TEXT_MESSAGE, validationError } from "@mix/core";
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "../tools/tool-context";

export const sessionUri = (sessionId: string) => `mix://sessions/${encodeURIComponent(sessionId)}`;

/** The session id of a resource URI, held to the same rule as every other id a client sends. */
function sessionIdOf(id: unknown): string {
  let sessionId: string;
  try {
    sessionId = decodeURIComponent(String(id));
  } catch {
    throw validationError("id: is not a valid percent-encoded session id");
  }
  if (!isSafeText(sessionId)) throw validationError(`id: ${UNSAFE_TEXT_MESSAGE}`);
  return sessionId;
}

export function registerSessionTranscripts(server: McpServer, { services, principal }: ToolContext): void {
  const template = new ResourceTemplate("mix://sessions/{id}", {
    list: async () => {
      const sessions = await services.sessions.list(principal.workspaceId, { includeSubagents: false });
      return {
        resources: sessions.map((session) => ({
          uri: sessionUri(session.id),
          name: session.title,
          description: `Transcript of session ${session.id} (${session.userMessageCount + session.assistantMessageCount} messages)`,
          mimeType: "application/json",
        })),
      };
    },
  });
  server.registerResource(
    "session_transcript",
    template,
    { title: "Session transcript", description: "A session's full export: messages, tool calls, token usage", mimeType: "application/json" },
    async (uri, { id }) => {
      // A read of an unknown or foreign session fails with the service's 404 (reported as a JSON-RPC error).
      const exported = await services.exports.export(principal.workspaceId, sessionIdOf(id));
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(exported, null, 2) }] };
    },
  );
}
