/** The settings of a workspace's knowledge sources (knowledge/), part of the one Config schema. */
import { z } from "zod";

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const KNOWLEDGE_SETTINGS = {
  /** Documents one workspace may hold; one more answers 403 quota_exceeded. */
  KNOWLEDGE_MAX_DOCUMENTS: int(1, 1_000_000).default(500),
  /** Bytes (as added: the file or fetched page) all of a workspace's documents may take together. */
  KNOWLEDGE_MAX_TOTAL_BYTES: int(1, 100 * 1024 ** 3).default(100 * 1024 * 1024),
  /** Largest document (file, text or fetched page) one add accepts; larger answers 413. */
  KNOWLEDGE_MAX_DOCUMENT_BYTES: int(1, 1024 ** 3).default(10 * 1024 * 1024),
  /** Target size of a chunk, in characters; chunks break on paragraph boundaries where they can. */
  KNOWLEDGE_CHUNK_CHARS: int(200, 20_000).default(1_000),
  /** Characters a chunk repeats from the end of the one before it, so a passage cut in two is still found whole. */
  KNOWLEDGE_CHUNK_OVERLAP: int(0, 5_000).default(150),
  /** Chunks given to the model for each user message (0: no automatic retrieval; knowledge_search still works). */
  KNOWLEDGE_RETRIEVAL_CHUNKS: int(0, 50).default(5),
  /**
   * An OpenAI-compatible API root (e.g. https://api.openai.com/v1) whose /embeddings re-rank the
   * full-text matches by meaning; unset: full-text ranking alone. The deployment's choice, so it may be private.
   */
  KNOWLEDGE_EMBEDDINGS_URL: z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).optional(),
  KNOWLEDGE_EMBEDDINGS_MODEL: z.string().min(1).default("text-embedding-3-small"),
  /** Sent as a bearer token to KNOWLEDGE_EMBEDDINGS_URL; unset: no Authorization header (a local server). */
  KNOWLEDGE_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  KNOWLEDGE_EMBEDDINGS_TIMEOUT_MS: int(100, 300_000).default(30_000),
};
