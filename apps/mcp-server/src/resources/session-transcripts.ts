/**
 * Session transcripts as resources: `mix://sessions/{id}` is the session's export JSON, and the
 * template's list names every session of the workspace so a client can browse them.
 */
import { ResourceTemplate, type McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { ToolContext } from "../tools/tool-context";

export const sessionUri = (sessionId: string) => `mix://sessions/${encodeURIComponent(sessionId)}`;

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
      const exported = await services.exports.export(principal.workspaceId, decodeURIComponent(String(id)));
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(exported, null, 2) }] };
    },
  );
}
