/**
 * Re-ranking by embeddings, against a real Postgres and a fake OpenAI-compatible /embeddings
 * server: chunks are embedded when indexed, full-text matches re-ordered by meaning, the
 * full-text order kept when the query cannot be embedded, and an indexing failure reported.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, FakeHttpServer, type RecordedRequest, type TestDatabase } from "@mix/testing";
import { SYSTEM_ACTOR } from "../audit/audit-entry";
import { AuditLog } from "../audit/audit-log";
import { createKnowledgeService, type KnowledgeConfig } from "./create-knowledge";

let database: TestDatabase;
let prisma: PrismaClient;
let embeddings: FakeHttpServer;
let failing = false;

// A toy meaning: how much a text is about rivers, and about money.
const vectorOf = (text: string) => [/river|stream|water/i.test(text) ? 1 : 0, /bank account|money|loan|interest/i.test(text) ? 1 : 0, 0.1];

beforeAll(async () => {
  database = await createTestDatabase("chunkranking");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  embeddings = await FakeHttpServer.start({
    respond: (recorded: RecordedRequest) => {
      if (failing) return { kind: "json", status: 503, body: { error: { message: "overloaded" } } };
      const input = recorded.body.input as string[];
      return { kind: "json", status: 200, body: { data: input.map((text, index) => ({ index, embedding: vectorOf(text) })) } };
    },
  });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
  await embeddings?.close();
});

const config = (url?: string): KnowledgeConfig => ({
  KNOWLEDGE_MAX_DOCUMENTS: 10,
  KNOWLEDGE_MAX_TOTAL_BYTES: 1_000_000,
  KNOWLEDGE_MAX_DOCUMENT_BYTES: 100_000,
  KNOWLEDGE_CHUNK_CHARS: 500,
  KNOWLEDGE_CHUNK_OVERLAP: 0,
  FETCH_ALLOW_PRIVATE_NETWORKS: false,
  ...(url ? { KNOWLEDGE_EMBEDDINGS_URL: url } : {}),
  KNOWLEDGE_EMBEDDINGS_MODEL: "embed-small",
  KNOWLEDGE_EMBEDDINGS_API_KEY: "sk-embed",
  KNOWLEDGE_EMBEDDINGS_TIMEOUT_MS: 5_000,
});

it("orders full-text matches by meaning where an endpoint is set, by full-text rank where none is", async () => {
  const { id: workspaceId } = await prisma.workspace.create({ data: { name: "ranked" } });
  const withEmbeddings = createKnowledgeService({ prisma, audit: new AuditLog(prisma), config: config(`${embeddings.url}/v1`) });
  // Full-text search prefers the first: "bank" three times. By meaning the second is about rivers.
  const money = await withEmbeddings.add(workspaceId, SYSTEM_ACTOR, { title: "Money", text: "The bank, the bank account and the bank loan interest." });
  const river = await withEmbeddings.add(workspaceId, SYSTEM_ACTOR, { title: "River", text: "We walked along the bank of the river, by the water." });
  const sent = embeddings.requests.at(-1)!;
  expect(sent.path).toBe("/v1/embeddings");
  expect(sent.headers.authorization).toBe("Bearer sk-embed");
  expect(sent.body).toEqual({ model: "embed-small", input: ["We walked along the bank of the river, by the water."] });

  const fullText = createKnowledgeService({ prisma, audit: new AuditLog(prisma), config: config() });
  expect((await fullText.retrieve(workspaceId, "the bank by the stream", 2)).map((hit) => hit.documentId)).toEqual([money.id, river.id]);
  expect((await withEmbeddings.retrieve(workspaceId, "the bank by the stream", 2)).map((hit) => hit.documentId)).toEqual([river.id, money.id]);
  expect((await withEmbeddings.search(workspaceId, "bank", 1)).map((hit) => hit.title)).toEqual(["Money"]);
  // No embedding leaks into what a search returns.
  expect(Object.keys((await withEmbeddings.search(workspaceId, "bank", 1))[0]!)).not.toContain("embedding");

  // The endpoint down: a query keeps the full-text order, and an add says why it failed.
  failing = true;
  try {
    expect((await withEmbeddings.retrieve(workspaceId, "the bank by the stream", 2)).map((hit) => hit.documentId)).toEqual([money.id, river.id]);
    await expect(withEmbeddings.add(workspaceId, SYSTEM_ACTOR, { text: "More about the bank." })).rejects.toMatchObject({
      status: 502,
      reason: "upstream_failed",
      message: expect.stringContaining("The embeddings endpoint failed: HTTP 503"),
    });
  } finally {
    failing = false;
  }
  expect((await withEmbeddings.list(workspaceId)).documents).toHaveLength(2);
});
