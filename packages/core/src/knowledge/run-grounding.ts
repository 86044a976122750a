/**
 * What a run's model is grounded on, worked out once per run when its loop is wired: the
 * workspace profile, and the knowledge chunks most relevant to the run's user message (unless
 * the session turned retrieval off). The chunks given are stored on the run, so a resumed
 * attempt is given the same ones, and clients can read which sources a reply had.
 */
import type { Prisma, PrismaClient } from "@mix/db";
import { KnowledgeSource, type KnowledgeSearchHit } from "../contracts";
import { profilePrompt } from "../workspace-profile/profile-prompt";
import { knowledgePrompt, NO_KNOWLEDGE, type RetrievedKnowledge } from "./knowledge-prompt";
import type { KnowledgeService } from "./knowledge.service";

export interface Grounding {
  /** The profile's section of the system prompt; "" when the profile is empty. */
  profile: string;
  knowledge: RetrievedKnowledge;
}

export interface GroundedRun {
  id: string;
  workspaceId: string;
  /** The session's switch (Session.knowledgeEnabled). */
  knowledgeEnabled: boolean;
  userText: string;
}

export interface RunGroundingDeps {
  prisma: PrismaClient;
  knowledge: Pick<KnowledgeService, "retrieve">;
  /** KNOWLEDGE_RETRIEVAL_CHUNKS */
  chunks: number;
}

/** What one statement tells about a run's grounding (see `state`); the run's load reads it too (runs/run-load.ts). */
export interface GroundingState {
  team: string | null;
  product: string | null;
  voice: string | null;
  facts: string | null;
  hasDocuments: boolean;
  stored: Prisma.JsonValue;
}

export class RunGrounding {
  constructor(private readonly deps: RunGroundingDeps) {}

  /** `known`: the state as the run's load read it, so no read of its own. */
  async forRun(run: GroundedRun, known?: GroundingState): Promise<Grounding> {
    const state = known ?? (await this.state(run));
    const profile = profilePrompt({ team: state.team ?? "", product: state.product ?? "", voice: state.voice ?? "", facts: state.facts ?? "" });
    return { profile, knowledge: await this.knowledgeFor(run, state) };
  }

  /**
   * The profile, whether the workspace has any document and what a first attempt stored, in one
   * round trip: it runs for every run, and most workspaces have no knowledge to search.
   */
  private async state(run: GroundedRun): Promise<GroundingState> {
    const [state] = await this.deps.prisma.$queryRaw<GroundingState[]>`
      SELECT p.team, p.product, p.voice, p.facts,
        EXISTS (SELECT 1 FROM "KnowledgeDocument" d WHERE d."workspaceId" = ${run.workspaceId}) AS "hasDocuments",
        (SELECT r."knowledgeSources" FROM "Run" r WHERE r.id = ${run.id}) AS stored
      FROM (SELECT 1) one
      LEFT JOIN "WorkspaceProfile" p ON p."workspaceId" = ${run.workspaceId}`;
    return state!;
  }

  private async knowledgeFor(run: GroundedRun, state: GroundingState): Promise<RetrievedKnowledge> {
    if (state.stored != null) return this.storedKnowledge(run.workspaceId, state.stored);
    if (!state.hasDocuments || !run.knowledgeEnabled || this.deps.chunks === 0 || !run.userText.trim()) return NO_KNOWLEDGE;
    const hits = await this.deps.knowledge.retrieve(run.workspaceId, run.userText, this.deps.chunks);
    const retrieved = knowledgePrompt(hits);
    // Nothing found: nothing to keep (no write per run in a workspace without knowledge).
    if (retrieved.sources.length === 0) return retrieved;
    await this.deps.prisma.run.update({ where: { id: run.id }, data: { knowledgeSources: retrieved.sources as unknown as Prisma.InputJsonValue } });
    return retrieved;
  }

  /** A resumed attempt: the chunks its first attempt was given, those still there, under the same markers. */
  private async storedKnowledge(workspaceId: string, value: Prisma.JsonValue): Promise<RetrievedKnowledge> {
    const sources = KnowledgeSource.array().safeParse(value).data ?? [];
    if (sources.length === 0) return NO_KNOWLEDGE;
    const rows = await this.deps.prisma.knowledgeChunk.findMany({
      where: { workspaceId, id: { in: sources.map((source) => source.chunkId) } },
      select: { id: true, content: true },
    });
    const content = new Map(rows.map((row) => [row.id, row.content]));
    const hits: KnowledgeSearchHit[] = sources.flatMap((source) => {
      const text = content.get(source.chunkId);
      return text === undefined
        ? []
        : [{ chunkId: source.chunkId, documentId: source.documentId, title: source.title, position: source.position, content: text, score: 0 }];
    });
    return knowledgePrompt(hits);
  }
}

/** The sources stored on a run (the chat's reply, a session message), [] when it was given none. */
export async function runSources(prisma: PrismaClient, workspaceId: string, runId: string): Promise<KnowledgeSource[] | null> {
  const run = await prisma.run.findFirst({ where: { id: runId, session: { workspaceId } }, select: { knowledgeSources: true } });
  if (!run) return null;
  return KnowledgeSource.array().safeParse(run.knowledgeSources).data ?? [];
}
