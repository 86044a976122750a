/**
 * How chunks are ranked: Postgres full-text search finds and orders them; where an embeddings
 * endpoint is configured, a wider set of full-text matches is re-ordered by how close each
 * chunk's embedding is to the query's. A query the endpoint cannot embed keeps the full-text
 * order (a reply is never refused for it); indexing, where the client waits, reports the failure.
 */
import type { KnowledgeSearchHit } from "../contracts";
import type { Logger } from "../logging/logger";
import { cosine, type Embedder } from "./embeddings";
import type { IndexedChunk, RankedChunk } from "./knowledge-store";

/** Full-text matches re-ranked per result asked for: enough for a close one ranked low to come up. */
const CANDIDATES_PER_RESULT = 4;
const MAX_CANDIDATES = 50;

export class ChunkRanking {
  constructor(
    private readonly embedder: Embedder | null,
    private readonly logger?: Pick<Logger, "warn">,
  ) {}

  /** How many full-text matches to read for `limit` results. */
  candidates(limit: number): number {
    return this.embedder ? Math.min(Math.max(limit * CANDIDATES_PER_RESULT, limit), MAX_CANDIDATES) : limit;
  }

  /** The chunks with their embeddings ([] each without an endpoint). */
  async index(chunks: string[]): Promise<IndexedChunk[]> {
    const embeddings = this.embedder && chunks.length > 0 ? await this.embedder.embed(chunks) : [];
    return chunks.map((content, index) => ({ content, embedding: embeddings[index] ?? [] }));
  }

  async rank(query: string, hits: RankedChunk[], limit: number): Promise<KnowledgeSearchHit[]> {
    const ordered = this.embedder && hits.length > 1 ? await this.byMeaning(query, hits) : hits;
    return ordered.slice(0, limit).map(({ embedding: _embedding, ...hit }) => hit);
  }

  private async byMeaning(query: string, hits: RankedChunk[]): Promise<RankedChunk[]> {
    let vector: number[];
    try {
      [vector = []] = await this.embedder!.embed([query]);
    } catch (error) {
      this.logger?.warn({ err: error }, "knowledge query not embedded: full-text order kept");
      return hits;
    }
    // Chunks indexed before the endpoint was configured have no embedding: they follow, in full-text order.
    const similarity = new Map(hits.map((hit) => [hit.chunkId, hit.embedding.length > 0 ? cosine(vector, hit.embedding) : -2]));
    return [...hits].sort((a, b) => similarity.get(b.chunkId)! - similarity.get(a.chunkId)!);
  }
}
