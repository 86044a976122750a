/**
 * A workspace's knowledge sources: documents added from text, an upload, a URL or a session's
 * file; their text split into chunks and indexed; listed, read, re-indexed and deleted; searched.
 * Adds, re-indexes and deletes are audited.
 */
import type { Readable } from "node:stream";
import type { Actor, AuditWriter } from "../audit/audit-entry";
import type {
  AddKnowledgeDocumentRequest,
  KnowledgeDocumentData,
  KnowledgeDocumentDetail,
  KnowledgeOrigin,
  KnowledgeSearchHit,
  ListKnowledgeDocumentsResponse,
} from "../contracts";
import { isSafeText, UNSAFE_TEXT_MESSAGE } from "../contracts";
import { AppError, validationError } from "../errors/app-error";
import type { SessionFilesService } from "../files/session-files.service";
import type { ConfinedParser } from "../parsing/confined-parser";
import { chunkText, type ChunkOptions } from "./chunker";
import type { ChunkRanking } from "./chunk-ranking";
import { fetchSource, readLimited, sessionFileSource, type SourceBytes, type SourceLimits } from "./document-sources";
import { documentText, formatOf, unsupportedType } from "./document-text";
import { toDocumentData, type KnowledgeStore } from "./knowledge-store";

export interface KnowledgeServiceDeps {
  store: KnowledgeStore;
  /** Absent where documents are only searched (the worker): adding a session's file is then refused. */
  files?: Pick<SessionFilesService, "file" | "read">;
  audit: AuditWriter;
  limits: SourceLimits;
  chunks: ChunkOptions;
  /** Full-text order, re-ranked by embeddings where an endpoint is configured. */
  ranking: ChunkRanking;
  /** Where a PDF's text is extracted: in the sandbox, never in this process's own tree. Absent with `files`. */
  parser?: ConfinedParser;
}

const TITLE_MAX = 300;

export class KnowledgeService {
  constructor(private readonly deps: KnowledgeServiceDeps) {}

  async list(workspaceId: string): Promise<ListKnowledgeDocumentsResponse> {
    const [rows, usage] = await Promise.all([this.deps.store.list(workspaceId), this.deps.store.usage(workspaceId)]);
    return { documents: rows.map(toDocumentData), usage };
  }

  async get(workspaceId: string, id: string): Promise<KnowledgeDocumentDetail> {
    const row = await this.deps.store.require(workspaceId, id);
    return { ...toDocumentData(row), text: row.text };
  }

  /** A document from a JSON request: its text, a URL to fetch, or a session's file. */
  async add(workspaceId: string, actor: Actor, request: AddKnowledgeDocumentRequest): Promise<KnowledgeDocumentData> {
    const { source, origin, label } = await this.acquire(workspaceId, request);
    return this.store(workspaceId, actor, { source, origin, label, title: request.title });
  }

  /** An uploaded file; its format from its Content-Type or name. */
  async upload(
    workspaceId: string,
    actor: Actor,
    upload: { name: string; contentType: string; body: Readable; title?: string },
  ): Promise<KnowledgeDocumentData> {
    if (!isSafeText(upload.name)) {
      upload.body.resume();
      throw validationError(`file name: ${UNSAFE_TEXT_MESSAGE}`);
    }
    const format = formatOf(upload.name, upload.contentType === "application/octet-stream" ? "" : upload.contentType);
    if (!format) {
      upload.body.resume();
      throw unsupportedType(`'${upload.name}' (${upload.contentType || "no Content-Type"})`);
    }
    const bytes = await readLimited(upload.body, this.deps.limits.maxDocumentBytes);
    return this.store(workspaceId, actor, { source: { bytes, format, name: upload.name }, origin: "upload", label: upload.name || null, title: upload.title });
  }

  /** Reads a URL or session file again (the text of the others), chunks it with the current settings and replaces the index. */
  async reindex(workspaceId: string, actor: Actor, id: string): Promise<KnowledgeDocumentData> {
    const row = await this.deps.store.require(workspaceId, id);
    let bytes = row.bytes;
    let text = row.text;
    if ((row.origin === "url" || row.origin === "session_file") && row.source) {
      const request: AddKnowledgeDocumentRequest = row.origin === "url" ? { url: row.source } : splitSessionSource(row.source);
      const { source } = await this.acquire(workspaceId, request);
      bytes = source.bytes.length;
      text = await documentText(source.bytes, source.format, this.deps.parser);
    }
    const chunks = await this.deps.ranking.index(chunkText(text, this.deps.chunks));
    const updated = await this.deps.store.replace(workspaceId, id, { bytes, text }, chunks);
    await this.audit(workspaceId, actor, "knowledge.document_reindexed", id, { chunks: updated.chunkCount });
    return toDocumentData(updated);
  }

  async delete(workspaceId: string, actor: Actor, id: string): Promise<void> {
    const row = await this.deps.store.delete(workspaceId, id);
    await this.audit(workspaceId, actor, "knowledge.document_deleted", id, { title: row.title });
  }

  /** What someone typed: every term must match, and failing that any of them. */
  async search(workspaceId: string, query: string, limit: number): Promise<KnowledgeSearchHit[]> {
    const { store, ranking } = this.deps;
    const all = await store.search(workspaceId, query, ranking.candidates(limit), "all");
    return ranking.rank(query, all.length > 0 ? all : await store.search(workspaceId, query, ranking.candidates(limit), "any"), limit);
  }

  /** For retrieval from a message in prose: any term may match. */
  async retrieve(workspaceId: string, query: string, limit: number): Promise<KnowledgeSearchHit[]> {
    const { store, ranking } = this.deps;
    return ranking.rank(query, await store.search(workspaceId, query, ranking.candidates(limit), "any"), limit);
  }

  private async acquire(
    workspaceId: string,
    request: AddKnowledgeDocumentRequest,
  ): Promise<{ source: SourceBytes; origin: KnowledgeOrigin; label: string | null }> {
    if (request.url !== undefined) return { source: await fetchSource(request.url, this.deps.limits), origin: "url", label: request.url };
    if (request.sessionId !== undefined && request.path !== undefined) {
      if (!this.deps.files) throw new AppError(501, "internal_error", "Session files cannot be added here");
      const source = await sessionFileSource(this.deps.files, workspaceId, request.sessionId, request.path, this.deps.limits);
      return { source, origin: "session_file", label: `${request.sessionId}/${request.path}` };
    }
    const bytes = Buffer.from(request.text ?? "", "utf8");
    return { source: { bytes, format: request.format ?? "text", name: "" }, origin: "text", label: null };
  }

  private async store(
    workspaceId: string,
    actor: Actor,
    added: { source: SourceBytes; origin: KnowledgeOrigin; label: string | null; title: string | undefined },
  ): Promise<KnowledgeDocumentData> {
    const { source } = added;
    // Checked before the text is extracted: a huge PDF is refused without running pdftotext.
    this.deps.store.checkSize(source.bytes.length);
    const text = await documentText(source.bytes, source.format, this.deps.parser);
    const title = (added.title ?? (source.name || firstLine(text))).slice(0, TITLE_MAX);
    const chunks = await this.deps.ranking.index(chunkText(text, this.deps.chunks));
    const row = await this.deps.store.add(
      workspaceId,
      { title, format: source.format, origin: added.origin, source: added.label, bytes: source.bytes.length, text },
      chunks,
    );
    await this.audit(workspaceId, actor, "knowledge.document_added", row.id, {
      title: row.title,
      origin: row.origin,
      bytes: row.bytes,
      chunks: row.chunkCount,
    });
    return toDocumentData(row);
  }

  private audit(
    workspaceId: string,
    actor: Actor,
    action: "knowledge.document_added" | "knowledge.document_reindexed" | "knowledge.document_deleted",
    id: string,
    details: Record<string, unknown>,
  ) {
    return this.deps.audit.record({ workspaceId, actor, action, target: { type: "knowledge_document", id }, details });
  }
}

function firstLine(text: string): string {
  return (
    text
      .split("\n", 1)[0]!
      .replace(/^#+\s*/, "")
      .trim()
      .slice(0, 80) || "Untitled"
  );
}

function splitSessionSource(source: string): AddKnowledgeDocumentRequest {
  const slash = source.indexOf("/");
  return { sessionId: source.slice(0, slash), path: source.slice(slash + 1) };
}
