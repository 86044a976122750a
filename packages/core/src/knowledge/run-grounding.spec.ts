/**
 * A run's grounding against a real Postgres: the chunks retrieved for its message are stored on
 * the run, a resumed attempt is given the same ones (even when a better match was added since),
 * the session's switch turns retrieval off, another workspace's chunks never come back, and a
 * message sent with the sources its sender already retrieved (the chat route) is given those.
 */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import { createTestDatabase, type TestDatabase } from "@mix/testing";
import { SYSTEM_ACTOR } from "../audit/audit-entry";
import { AuditLog } from "../audit/audit-log";
import { WorkspaceProfileService } from "../workspace-profile/workspace-profile.service";
import { createKnowledgeService } from "./create-knowledge";
import type { KnowledgeService } from "./knowledge.service";
import { insertUserMessage } from "../messages/insert-user-message";
import { knowledgePrompt } from "./knowledge-prompt";
import { RunGrounding, runSources } from "./run-grounding";

let database: TestDatabase;
let prisma: PrismaClient;
let knowledge: KnowledgeService;
let grounding: RunGrounding;

const CONFIG = {
  KNOWLEDGE_MAX_DOCUMENTS: 10,
  KNOWLEDGE_MAX_TOTAL_BYTES: 1_000_000,
  KNOWLEDGE_MAX_DOCUMENT_BYTES: 100_000,
  KNOWLEDGE_CHUNK_CHARS: 500,
  KNOWLEDGE_CHUNK_OVERLAP: 50,
  FETCH_ALLOW_PRIVATE_NETWORKS: false,
  KNOWLEDGE_EMBEDDINGS_MODEL: "unused",
  KNOWLEDGE_EMBEDDINGS_TIMEOUT_MS: 1_000,
};

beforeAll(async () => {
  database = await createTestDatabase("rungrounding");
  prisma = createPrismaClient({ url: database.url, poolSize: 2 });
  const audit = new AuditLog(prisma);
  knowledge = createKnowledgeService({ prisma, audit, config: CONFIG });
  grounding = new RunGrounding({ prisma, knowledge, chunks: 3 });
});
afterAll(async () => {
  await prisma?.$disconnect();
  await database?.drop();
});

async function runIn(name: string): Promise<{ workspaceId: string; runId: string }> {
  const workspace = await prisma.workspace.create({ data: { name } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  const message = await prisma.message.create({ data: { sessionId: session.id, role: "user", turn: 1 } });
  await prisma.run.create({ data: { id: message.id, sessionId: session.id } });
  return { workspaceId: workspace.id, runId: message.id };
}

it("stores the chunks it gave a run, and gives a resumed attempt the same ones", async () => {
  const { workspaceId, runId } = await runIn("a");
  const other = await runIn("b");
  await knowledge.add(workspaceId, SYSTEM_ACTOR, { title: "Fleet", text: "The Falcon van carries 900 kilograms." });
  await knowledge.add(other.workspaceId, SYSTEM_ACTOR, { title: "Theirs", text: "The Falcon van carries 5 kilograms." });
  const run = { id: runId, workspaceId, knowledgeEnabled: true, userText: "How much does the Falcon van carry?" };

  const first = await grounding.forRun(run);
  expect(first.knowledge.sources).toEqual([expect.objectContaining({ marker: 1, title: "Fleet" })]);
  expect(first.knowledge.prompt).toContain("[1] Fleet (part 1)\nThe Falcon van carries 900 kilograms.");
  expect(first.knowledge.prompt).not.toContain("5 kilograms");
  expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).knowledgeSources).toEqual(first.knowledge.sources);

  // A better match added later does not change what the run's resumed attempt reads.
  await knowledge.add(workspaceId, SYSTEM_ACTOR, { title: "Falcon van", text: "Falcon van: how much the Falcon van carries, the Falcon van's load." });
  const resumed = await grounding.forRun(run);
  expect(resumed.knowledge).toEqual(first.knowledge);
});

it("retrieves nothing when the session's switch is off, and gives the profile either way", async () => {
  const { workspaceId, runId } = await runIn("c");
  await knowledge.add(workspaceId, SYSTEM_ACTOR, { text: "Kiwi deliveries leave at dawn." });
  await new WorkspaceProfileService(prisma, new AuditLog(prisma)).update(workspaceId, SYSTEM_ACTOR, { voice: "Short sentences." });
  const grounded = await grounding.forRun({ id: runId, workspaceId, knowledgeEnabled: false, userText: "When do Kiwi deliveries leave?" });
  expect(grounded.knowledge).toEqual({ prompt: "", sources: [] });
  expect(grounded.profile).toContain("### Voice and style\nShort sentences.");
  expect((await prisma.run.findUniqueOrThrow({ where: { id: runId } })).knowledgeSources).toBeNull();
});

it("gives a message sent with its sources those, without searching again", async () => {
  const workspace = await prisma.workspace.create({ data: { name: "chat" } });
  const session = await prisma.session.create({ data: { workspaceId: workspace.id, title: "s" } });
  await knowledge.add(workspace.id, SYSTEM_ACTOR, { title: "Menu", text: "The Tuesday special is lentil soup." });
  const question = "What is the Tuesday special?";
  // The chat route's retrieval, named in its header, goes with the message it sends.
  const { sources } = knowledgePrompt(await knowledge.retrieve(workspace.id, question, 3));
  expect(sources).toHaveLength(1);
  const send = (knowledgeSources: typeof sources) =>
    insertUserMessage(prisma, {
      workspaceId: workspace.id,
      sessionId: session.id,
      text: question,
      planMode: false,
      thinkingLevel: null,
      idempotencyKey: null,
      knowledgeSources,
    });
  const runId = (await send(sources))!;
  expect(await runSources(prisma, workspace.id, runId)).toEqual(sources);

  let searches = 0;
  const counting = new RunGrounding({ prisma, knowledge: { retrieve: (...args) => (searches++, knowledge.retrieve(...args)) }, chunks: 3 });
  const grounded = await counting.forRun({ id: runId, workspaceId: workspace.id, knowledgeEnabled: true, userText: question });
  expect(searches).toBe(0);
  expect(grounded.knowledge.sources).toEqual(sources);
  expect(grounded.knowledge.prompt).toContain("The Tuesday special is lentil soup.");

  // A sender that found nothing says so: the run is given nothing, and nothing is searched either.
  const emptyId = (await send([]))!;
  expect(await counting.forRun({ id: emptyId, workspaceId: workspace.id, knowledgeEnabled: true, userText: question })).toMatchObject({
    knowledge: { sources: [] },
  });
  expect(searches).toBe(0);
});
