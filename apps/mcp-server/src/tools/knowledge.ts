/** The workspace's knowledge sources: list, add (text, URL, session file), re-index, delete and search. */
import {
  AddKnowledgeDocumentRequest,
  KnowledgeDocumentData,
  KnowledgeSearchQuery,
  KnowledgeSearchResponse,
  ListKnowledgeDocumentsResponse,
  MAX_KNOWLEDGE_SEARCH_RESULTS,
  safeString,
} from "@mix/core";
import { z } from "zod";
import type { RegisterTool } from "./tool-context";
import { dataResult, guarded } from "./tool-result";

const documentId = safeString().min(1).describe("The document id (from list_knowledge_documents)");

export const registerListKnowledgeDocuments: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "list_knowledge_documents",
    {
      title: "List knowledge documents",
      description: "Lists the workspace's knowledge documents, newest first, with its usage and quotas.",
      inputSchema: {},
      outputSchema: ListKnowledgeDocumentsResponse,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    () => guarded(async () => dataResult(await services.knowledge.list(principal.workspaceId))),
  );
};

export const registerAddKnowledgeDocument: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "add_knowledge_document",
    {
      title: "Add knowledge document",
      description:
        "Adds a document to the workspace's knowledge (admins): exactly one of `text` (with `format`), `url` (a public http(s) page or file: " +
        "text, markdown, HTML or PDF) or `session_id` + `path` (a file of one of the workspace's sessions). It is chunked and indexed at once.",
      inputSchema: {
        title: safeString().optional().describe("The document's title (default: the file name or first line)"),
        text: safeString().optional().describe("The document's content"),
        format: z.enum(["text", "markdown", "html"]).optional().describe("The format of `text` (default text)"),
        url: safeString().optional().describe("An http(s) address to fetch"),
        session_id: safeString().optional().describe("A session whose file to add"),
        path: safeString().optional().describe("The file's path in that session's folder"),
      },
      outputSchema: KnowledgeDocumentData,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ title, text, format, url, session_id, path }) =>
      guarded(async () => {
        const request = AddKnowledgeDocumentRequest.parse({ title, text, format, url, sessionId: session_id, path });
        const added = await services.knowledge.add(principal.workspaceId, actor, request);
        return dataResult(added, `Added document ${added.id} (${added.chunkCount} chunks).`);
      }),
  );
};

export const registerReindexKnowledgeDocument: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "reindex_knowledge_document",
    {
      title: "Re-index knowledge document",
      description: "Indexes a document again (admins): a URL is fetched again, a session file read again; chunked with the current settings.",
      inputSchema: { document_id: documentId },
      outputSchema: KnowledgeDocumentData,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    ({ document_id }) => guarded(async () => dataResult(await services.knowledge.reindex(principal.workspaceId, actor, document_id))),
  );
};

export const registerDeleteKnowledgeDocument: RegisterTool = (server, { services, principal, actor }) => {
  server.registerTool(
    "delete_knowledge_document",
    {
      title: "Delete knowledge document",
      description: "Deletes a document and its chunks from the workspace's knowledge (admins).",
      inputSchema: { document_id: documentId },
      outputSchema: { deleted: z.boolean(), documentId: z.string() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    ({ document_id }) =>
      guarded(async () => {
        await services.knowledge.delete(principal.workspaceId, actor, document_id);
        return dataResult({ deleted: true, documentId: document_id }, `Deleted document ${document_id}.`);
      }),
  );
};

export const registerSearchKnowledge: RegisterTool = (server, { services, principal }) => {
  server.registerTool(
    "search_knowledge",
    {
      title: "Search knowledge",
      description: 'Full-text search over the workspace\'s knowledge chunks ("a phrase", OR, -word), best first.',
      inputSchema: {
        query: safeString().describe("What to look for"),
        limit: z.number().int().min(1).max(MAX_KNOWLEDGE_SEARCH_RESULTS).optional().describe("How many chunks (default 5)"),
      },
      outputSchema: KnowledgeSearchResponse,
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    ({ query, limit }) =>
      guarded(async () => {
        const parsed = KnowledgeSearchQuery.parse({ q: query, limit });
        return dataResult({ results: await services.knowledge.search(principal.workspaceId, parsed.q, parsed.limit ?? 5) });
      }),
  );
};
