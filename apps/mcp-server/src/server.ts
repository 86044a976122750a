/**
 * The MCP server of one connection (HTTP: one request; stdio: the process): every tool, resource
 * and prompt bound to the workspace of the API key that opened it. Built per connection so no
 * state outlives it; everything durable lives in Postgres and Redis, shared by every instance.
 */
import type { ApplicationServices, Principal } from "@mix/core";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerContinueSession } from "./prompts/continue-session";
import { registerSessionTranscripts } from "./resources/session-transcripts";
import { registerAnswerNotification } from "./tools/answer-notification";
import { registerAnswerPermission } from "./tools/answer-permission";
import { registerCancelRun } from "./tools/cancel-run";
import { registerChat } from "./tools/chat";
import { registerCreateSession } from "./tools/create-session";
import { registerDeleteSession } from "./tools/delete-session";
import { registerExportSession } from "./tools/export-session";
import { registerForkSession } from "./tools/fork-session";
import { registerGetMessages } from "./tools/get-messages";
import { registerGetSession } from "./tools/get-session";
import { registerListModels } from "./tools/list-models";
import { registerListSessions } from "./tools/list-sessions";
import { registerRewindSession } from "./tools/rewind-session";
import { registerSendMessage } from "./tools/send-message";
import type { RegisterTool } from "./tools/tool-context";
import { enforceToolLimits } from "./tools/tool-limits";
import { enforceToolRoles } from "./tools/tool-roles";
import { registerWaitForReply } from "./tools/wait-for-reply";
import { registerGetWorkspaceProfile, registerUpdateWorkspaceProfile } from "./tools/workspace-profile";
import {
  registerAddKnowledgeDocument,
  registerDeleteKnowledgeDocument,
  registerListKnowledgeDocuments,
  registerReindexKnowledgeDocument,
  registerSearchKnowledge,
} from "./tools/knowledge";

export const SERVER_INFO = { name: "mix-sessions", version: "0.1.0" };

const TOOLS: RegisterTool[] = [
  registerListSessions,
  registerCreateSession,
  registerGetSession,
  registerDeleteSession,
  registerGetMessages,
  registerSendMessage,
  registerWaitForReply,
  registerAnswerPermission,
  registerAnswerNotification,
  registerForkSession,
  registerRewindSession,
  registerCancelRun,
  registerExportSession,
  registerListModels,
  registerChat,
  registerGetWorkspaceProfile,
  registerUpdateWorkspaceProfile,
  registerListKnowledgeDocuments,
  registerAddKnowledgeDocument,
  registerReindexKnowledgeDocument,
  registerDeleteKnowledgeDocument,
  registerSearchKnowledge,
];

/** `address`: the client's, when the connection came over HTTP (the audit log records it). */
export function createServer(services: ApplicationServices, principal: Principal, address: string | null = null): McpServer {
  const server = new McpServer(SERVER_INFO, {
    instructions:
      "Agent sessions of one Mix workspace. create_session starts a conversation, send_message talks to its agent and waits for the reply, " +
      "get_messages reads a transcript. When the agent asks permission to use a tool, send_message returns 'awaiting_permission': " +
      "answer with answer_permission (ask your user first), then wait_for_reply follows the rest; when the agent asks a question, it returns " +
      "'awaiting_input': answer with answer_notification. Session transcripts are also resources at mix://sessions/{id}. " +
      "chat is the simpler surface: a message in, the assistant's plain-text reply out, continued by the conversationId it returns.",
  });
  const context = { services, principal, actor: { apiKeyId: principal.apiKeyId, memberId: principal.memberId, address } };
  // Before any tool is registered: each then checks the key's role first (tools/tool-roles.ts).
  enforceToolRoles(server, principal);
  // Then each counts against the request limits, as the REST API's routes do (tools/tool-limits.ts).
  enforceToolLimits(server, context);
  for (const register of TOOLS) register(server, context);
  registerSessionTranscripts(server, context);
  registerContinueSession(server, context);
  return server;
}
