/** The knowledge service over the configuration's quotas and chunking, as the API, MCP server and worker build it. */
import type { PrismaClient } from "@mix/db";
import type { AuditWriter } from "../audit/audit-entry";
import type { Config } from "../config/config";
import type { SessionFilesService } from "../files/session-files.service";
import type { Logger } from "../logging/logger";
import type { ConfinedParser } from "../parsing/confined-parser";
import { ChunkRanking } from "./chunk-ranking";
import { OpenAiEmbedder, type Embedder } from "./embeddings";
import { KnowledgeStore } from "./knowledge-store";
import { KnowledgeService } from "./knowledge.service";

export type KnowledgeConfig = Pick<
  Config,
  | "KNOWLEDGE_MAX_DOCUMENTS"
  | "KNOWLEDGE_MAX_TOTAL_BYTES"
  | "KNOWLEDGE_MAX_DOCUMENT_BYTES"
  | "KNOWLEDGE_CHUNK_CHARS"
  | "KNOWLEDGE_CHUNK_OVERLAP"
  | "FETCH_ALLOW_PRIVATE_NETWORKS"
  | "KNOWLEDGE_EMBEDDINGS_URL"
  | "KNOWLEDGE_EMBEDDINGS_MODEL"
  | "KNOWLEDGE_EMBEDDINGS_API_KEY"
  | "KNOWLEDGE_EMBEDDINGS_TIMEOUT_MS"
>;

export function createKnowledgeService(deps: {
  prisma: PrismaClient;
  files?: Pick<SessionFilesService, "file" | "read">;
  audit: AuditWriter;
  config: KnowledgeConfig;
  /** Absent where documents are only searched (the worker), like `files`. */
  parser?: ConfinedParser;
  logger?: Pick<Logger, "warn">;
}): KnowledgeService {
  const { config } = deps;
  const quota = {
    maxDocuments: config.KNOWLEDGE_MAX_DOCUMENTS,
    maxBytes: config.KNOWLEDGE_MAX_TOTAL_BYTES,
    maxDocumentBytes: config.KNOWLEDGE_MAX_DOCUMENT_BYTES,
  };
  return new KnowledgeService({
    store: new KnowledgeStore(deps.prisma, quota),
    ...(deps.files ? { files: deps.files } : {}),
    audit: deps.audit,
    limits: { maxDocumentBytes: config.KNOWLEDGE_MAX_DOCUMENT_BYTES, allowPrivateNetworks: config.FETCH_ALLOW_PRIVATE_NETWORKS },
    chunks: { size: config.KNOWLEDGE_CHUNK_CHARS, overlap: config.KNOWLEDGE_CHUNK_OVERLAP },
    ranking: new ChunkRanking(embedderFor(config), deps.logger),
    ...(deps.parser ? { parser: deps.parser } : {}),
  });
}

function embedderFor(config: KnowledgeConfig): Embedder | null {
  if (!config.KNOWLEDGE_EMBEDDINGS_URL) return null;
  return new OpenAiEmbedder({
    url: config.KNOWLEDGE_EMBEDDINGS_URL,
    model: config.KNOWLEDGE_EMBEDDINGS_MODEL,
    timeoutMs: config.KNOWLEDGE_EMBEDDINGS_TIMEOUT_MS,
    ...(config.KNOWLEDGE_EMBEDDINGS_API_KEY ? { apiKey: config.KNOWLEDGE_EMBEDDINGS_API_KEY } : {}),
  });
}
