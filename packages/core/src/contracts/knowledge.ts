/** Knowledge sources' wire shapes: `/api/knowledge/...`, the chat's sources header and the MCP tools. */
import { z } from "zod";
import { safeString } from "./text";

export const KNOWLEDGE_FORMATS = ["text", "markdown", "html", "pdf"] as const;
export const KnowledgeFormat = z.enum(KNOWLEDGE_FORMATS);
export type KnowledgeFormat = z.infer<typeof KnowledgeFormat>;
export const KnowledgeOrigin = z.enum(["upload", "text", "url", "session_file"]);
export type KnowledgeOrigin = z.infer<typeof KnowledgeOrigin>;

/** Response header of `POST /api/chat`: the sources the reply was given, as JSON (KnowledgeSource[]). */
export const KNOWLEDGE_SOURCES_HEADER = "X-Knowledge-Sources";
export const MAX_KNOWLEDGE_SEARCH_RESULTS = 20;

export const KnowledgeDocumentData = z.object({
  id: z.string(),
  title: z.string(),
  format: KnowledgeFormat,
  origin: KnowledgeOrigin,
  source: z.string().nullable().describe("The URL, the session file (sessionId/path) or the uploaded file's name"),
  bytes: z.number().int().describe("Size of what was added (file, text or page), in bytes"),
  chars: z.number().int().describe("Characters of its extracted text"),
  chunkCount: z.number().int(),
  createdAt: z.string(),
  indexedAt: z.string(),
});
export type KnowledgeDocumentData = z.infer<typeof KnowledgeDocumentData>;

export const KnowledgeDocumentDetail = KnowledgeDocumentData.extend({ text: z.string().describe("The extracted text the chunks come from") });
export type KnowledgeDocumentDetail = z.infer<typeof KnowledgeDocumentDetail>;

export const KnowledgeUsage = z.object({
  documents: z.number().int(),
  bytes: z.number().int(),
  maxDocuments: z.number().int(),
  maxBytes: z.number().int(),
  maxDocumentBytes: z.number().int(),
});
export type KnowledgeUsage = z.infer<typeof KnowledgeUsage>;

export const ListKnowledgeDocumentsResponse = z.object({ documents: z.array(KnowledgeDocumentData), usage: KnowledgeUsage });
export type ListKnowledgeDocumentsResponse = z.infer<typeof ListKnowledgeDocumentsResponse>;

const title = safeString({ error: "title must be a string" }).trim().min(1, "title must not be empty").max(300, "title must be at most 300 characters");

/** Exactly one of `text`, `url` or `sessionId` + `path`: the document's content, a page to fetch, or a session's file. */
export const AddKnowledgeDocumentRequest = z
  .strictObject({
    title: title.optional(),
    text: safeString({ error: "text must be a string" }).optional().describe("The document itself"),
    format: z.enum(["text", "markdown", "html"], { error: "format must be one of text, markdown, html" }).optional().describe("Of `text`; default text"),
    url: safeString({ error: "url must be a string" })
      .max(8_000, "url must be at most 8000 characters")
      .optional()
      .describe("An http(s) page or file to fetch (public addresses only)"),
    sessionId: safeString({ error: "sessionId must be a string" }).min(1, "sessionId must not be empty").optional(),
    path: safeString({ error: "path must be a string" })
      .min(1, "path must not be empty")
      .max(4_096, "path must be at most 4096 characters")
      .optional()
      .describe("A file of the session's folder"),
  })
  .refine((body) => [body.text !== undefined, body.url !== undefined, body.sessionId !== undefined || body.path !== undefined].filter(Boolean).length === 1, {
    message: "give exactly one of text, url, or sessionId and path",
  })
  .refine((body) => (body.sessionId === undefined) === (body.path === undefined), { message: "sessionId and path go together" })
  .refine((body) => body.format === undefined || body.text !== undefined, { message: "format applies to text only" });
export type AddKnowledgeDocumentRequest = z.infer<typeof AddKnowledgeDocumentRequest>;

export const KnowledgeSearchQuery = z.strictObject({
  q: safeString({ error: "q must be a string" }).trim().min(1, "q must not be empty").max(2_000, "q must be at most 2000 characters"),
  limit: z.coerce.number({ error: "limit must be a number" }).int("limit must be an integer").min(1).max(MAX_KNOWLEDGE_SEARCH_RESULTS).optional(),
});
export type KnowledgeSearchQuery = z.infer<typeof KnowledgeSearchQuery>;

export const KnowledgeSearchHit = z.object({
  chunkId: z.string(),
  documentId: z.string(),
  title: z.string(),
  position: z.number().int().describe("The chunk's place in its document, from 0"),
  content: z.string(),
  score: z.number(),
});
export type KnowledgeSearchHit = z.infer<typeof KnowledgeSearchHit>;

export const KnowledgeSearchResponse = z.object({ results: z.array(KnowledgeSearchHit) });
export type KnowledgeSearchResponse = z.infer<typeof KnowledgeSearchResponse>;

/** One source a reply was given, under the marker the model cites it by ([1], [2]...). */
export const KnowledgeSource = z.object({
  marker: z.number().int(),
  documentId: z.string(),
  chunkId: z.string(),
  title: z.string(),
  position: z.number().int(),
});
export type KnowledgeSource = z.infer<typeof KnowledgeSource>;

export const MessageKnowledgeSources = z.object({
  messageId: z.string(),
  sources: z.array(KnowledgeSource).describe("Empty: the run was given no knowledge (none matched, or retrieval was off)"),
});
export type MessageKnowledgeSources = z.infer<typeof MessageKnowledgeSources>;

export const SessionKnowledgeSettings = z.strictObject({
  enabled: z.boolean({ error: "enabled must be a boolean" }).describe("Whether each user message retrieves the workspace's knowledge"),
});
export type SessionKnowledgeSettings = z.infer<typeof SessionKnowledgeSettings>;
