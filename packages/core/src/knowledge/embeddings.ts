/**
 * Embeddings from an OpenAI-compatible `/embeddings` endpoint (KNOWLEDGE_EMBEDDINGS_URL), used
 * to re-rank full-text matches by meaning. Chunks are embedded when they are indexed, a query
 * when it is searched; texts go in batches so a long document is a few requests, not hundreds.
 */
import { AppError } from "../errors/app-error";

const BATCH = 64;

export interface Embedder {
  embed(texts: string[]): Promise<number[][]>;
}

export interface EmbeddingsSettings {
  url: string;
  model: string;
  apiKey?: string;
  timeoutMs: number;
}

export class OpenAiEmbedder implements Embedder {
  constructor(private readonly settings: EmbeddingsSettings) {}

  async embed(texts: string[]): Promise<number[][]> {
    const vectors: number[][] = [];
    for (let at = 0; at < texts.length; at += BATCH) vectors.push(...(await this.batch(texts.slice(at, at + BATCH))));
    return vectors;
  }

  private async batch(input: string[]): Promise<number[][]> {
    const { url, model, apiKey, timeoutMs } = this.settings;
    let response: Response;
    try {
      response = await fetch(`${url.replace(/\/+$/, "")}/embeddings`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        body: JSON.stringify({ model, input }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw embeddingsFailed((error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : (error as Error).message);
    }
    if (!response.ok) throw embeddingsFailed(`HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`);
    const body = (await response.json()) as { data?: Array<{ embedding?: unknown; index?: number }> };
    const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    const vectors = data.map((item) => item.embedding);
    if (vectors.length !== input.length || !vectors.every((vector) => Array.isArray(vector) && vector.every((value) => typeof value === "number"))) {
      throw embeddingsFailed(`expected ${input.length} embeddings, got an answer of another shape`);
    }
    return vectors as number[][];
  }
}

const embeddingsFailed = (why: string) => new AppError(502, "internal_error", `The embeddings endpoint failed: ${why}`, "upstream_failed");

export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length === 0 || a.length !== b.length) return 0;
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    normA += a[i]! * a[i]!;
    normB += b[i]! * b[i]!;
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}
