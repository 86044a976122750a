/**
 * A workspace's knowledge documents and their chunks in Postgres. Every query is scoped by
 * workspace id, so another workspace's document is "not found" and its chunks never match.
 * Search is Postgres full-text search over the chunks' generated tsvector (GIN-indexed),
 * ranked with ts_rank_cd.
 */
import { Prisma, type KnowledgeDocument, type PrismaClient } from "@mix/db";
import type { KnowledgeDocumentData, KnowledgeFormat, KnowledgeOrigin, KnowledgeSearchHit, KnowledgeUsage } from "../contracts";
import { forbidden, notFound, payloadTooLarge } from "../errors/app-error";

export interface KnowledgeQuota {
  maxDocuments: number;
  maxBytes: number;
  maxDocumentBytes: number;
}

export interface NewDocument {
  title: string;
  format: KnowledgeFormat;
  origin: KnowledgeOrigin;
  source: string | null;
  bytes: number;
  text: string;
}

/**
 * "all": every term must match (websearch_to_tsquery: quotes for phrases, OR, -word), for a
 * search someone typed. "any": any term may, ranked by how many and how close, for a question
 * asked in prose, whose every word no passage holds.
 */
export type MatchMode = "all" | "any";

/** A chunk as stored: its text, and its embedding ([] without an embeddings endpoint). */
export interface IndexedChunk {
  content: string;
  embedding: number[];
}

/** A search hit with the chunk's embedding, for re-ranking. */
export type RankedChunk = KnowledgeSearchHit & { embedding: number[] };

type Tx = Prisma.TransactionClient;

export class KnowledgeStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly quota: KnowledgeQuota,
  ) {}

  async usage(workspaceId: string, client: Tx | PrismaClient = this.prisma): Promise<KnowledgeUsage> {
    const total = await client.knowledgeDocument.aggregate({ where: { workspaceId }, _count: { _all: true }, _sum: { bytes: true } });
    return { documents: total._count._all, bytes: total._sum.bytes ?? 0, ...this.quota };
  }

  /** Stores a document and its chunks, once the workspace's quotas allow it (checked under a per-workspace lock). */
  async add(workspaceId: string, document: NewDocument, chunks: IndexedChunk[]): Promise<KnowledgeDocument> {
    this.checkSize(document.bytes);
    return this.prisma.$transaction(async (tx) => {
      await lockWorkspace(tx, workspaceId);
      const usage = await this.usage(workspaceId, tx);
      if (usage.documents + 1 > this.quota.maxDocuments) {
        throw forbidden(
          `Knowledge limit reached: this workspace may hold at most ${this.quota.maxDocuments} documents; delete one to add another`,
          "quota_exceeded",
        );
      }
      this.checkTotal(usage.bytes + document.bytes);
      const row = await tx.knowledgeDocument.create({ data: { workspaceId, ...document, chunkCount: chunks.length } });
      await insertChunks(tx, workspaceId, row.id, chunks);
      return row;
    });
  }

  /** Replaces a document's text (when given) and its chunks: a re-index. */
  async replace(workspaceId: string, id: string, update: { bytes: number; text: string }, chunks: IndexedChunk[]): Promise<KnowledgeDocument> {
    this.checkSize(update.bytes);
    return this.prisma.$transaction(async (tx) => {
      await lockWorkspace(tx, workspaceId);
      const current = await tx.knowledgeDocument.findFirst({ where: { id, workspaceId }, select: { bytes: true } });
      if (!current) throw notFound("Knowledge document");
      this.checkTotal((await this.usage(workspaceId, tx)).bytes - current.bytes + update.bytes);
      await tx.knowledgeChunk.deleteMany({ where: { documentId: id } });
      await insertChunks(tx, workspaceId, id, chunks);
      return tx.knowledgeDocument.update({ where: { id }, data: { ...update, chunkCount: chunks.length, indexedAt: new Date() } });
    });
  }

  list(workspaceId: string): Promise<KnowledgeDocument[]> {
    return this.prisma.knowledgeDocument.findMany({ where: { workspaceId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  }

  async require(workspaceId: string, id: string): Promise<KnowledgeDocument> {
    const row = await this.prisma.knowledgeDocument.findFirst({ where: { id, workspaceId } });
    if (!row) throw notFound("Knowledge document");
    return row;
  }

  async delete(workspaceId: string, id: string): Promise<KnowledgeDocument> {
    const row = await this.require(workspaceId, id);
    // Chunks go with it (ON DELETE CASCADE).
    await this.prisma.knowledgeDocument.deleteMany({ where: { id, workspaceId } });
    return row;
  }

  /** The workspace's chunks best matching `query`, best first; none when nothing matches. */
  async search(workspaceId: string, query: string, limit: number, mode: MatchMode): Promise<RankedChunk[]> {
    const parsed = Prisma.sql`websearch_to_tsquery('english', ${query})`;
    // Postgres prints a tsquery with ' & ' between terms; as ' | ' the terms become alternatives.
    const tsquery = mode === "all" ? parsed : Prisma.sql`replace(${parsed}::text, ' & ', ' | ')::tsquery`;
    const rows = await this.prisma.$queryRaw<
      { id: string; documentId: string; title: string; position: number; content: string; embedding: number[]; score: number }[]
    >`
      SELECT c.id, c."documentId", d.title, c.position, c.content, c.embedding, ts_rank_cd(c."searchText", q.query)::float8 AS score
      FROM "KnowledgeChunk" c
      JOIN "KnowledgeDocument" d ON d.id = c."documentId" AND d."workspaceId" = c."workspaceId"
      CROSS JOIN (SELECT ${tsquery} AS query) q
      WHERE c."workspaceId" = ${workspaceId} AND c."searchText" @@ q.query
      ORDER BY score DESC, d."createdAt" DESC, c.position ASC
      LIMIT ${limit}`;
    return rows.map((row) => ({
      chunkId: row.id,
      documentId: row.documentId,
      title: row.title,
      position: row.position,
      content: row.content,
      score: row.score,
      embedding: row.embedding,
    }));
  }

  /** A document over the per-document limit answers 413. */
  checkSize(bytes: number): void {
    if (bytes > this.quota.maxDocumentBytes) throw payloadTooLarge(`The document takes ${bytes} bytes; one may take at most ${this.quota.maxDocumentBytes}`);
  }

  private checkTotal(bytes: number): void {
    if (bytes > this.quota.maxBytes) {
      throw forbidden(`Knowledge storage limit reached: this workspace's documents may take at most ${this.quota.maxBytes} bytes together`, "quota_exceeded");
    }
  }
}

/** Two adds in one workspace take turns, so both cannot pass the same quota check. */
async function lockWorkspace(tx: Tx, workspaceId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`knowledge:${workspaceId}`}))`;
}

async function insertChunks(tx: Tx, workspaceId: string, documentId: string, chunks: IndexedChunk[]): Promise<void> {
  if (chunks.length === 0) return;
  await tx.knowledgeChunk.createMany({ data: chunks.map(({ content, embedding }, position) => ({ workspaceId, documentId, position, content, embedding })) });
}

export function toDocumentData(row: KnowledgeDocument): KnowledgeDocumentData {
  return {
    id: row.id,
    title: row.title,
    format: row.format as KnowledgeFormat,
    origin: row.origin as KnowledgeOrigin,
    source: row.source,
    bytes: row.bytes,
    chars: row.text.length,
    chunkCount: row.chunkCount,
    createdAt: row.createdAt.toISOString(),
    indexedAt: row.indexedAt.toISOString(),
  };
}
