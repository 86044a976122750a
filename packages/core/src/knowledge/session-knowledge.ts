/**
 * A session's knowledge switch (on by default), and what a run of it would be given, for the
 * chat's sources header: the same search the worker makes (run-grounding), so the header names
 * the sources the reply's model reads unless a document changed in between.
 */
import type { PrismaClient } from "@mix/db";
import type { KnowledgeSource, MessageKnowledgeSources } from "../contracts";
import { notFound } from "../errors/app-error";
import { knowledgePrompt } from "./knowledge-prompt";
import type { KnowledgeService } from "./knowledge.service";
import { runSources } from "./run-grounding";

export class SessionKnowledge {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly knowledge: Pick<KnowledgeService, "retrieve">,
    /** KNOWLEDGE_RETRIEVAL_CHUNKS */
    private readonly chunks: number,
  ) {}

  async enabled(workspaceId: string, sessionId: string): Promise<boolean> {
    const session = await this.prisma.session.findFirst({ where: { id: sessionId, workspaceId }, select: { knowledgeEnabled: true } });
    if (!session) throw notFound("Session");
    return session.knowledgeEnabled;
  }

  async setEnabled(workspaceId: string, sessionId: string, enabled: boolean): Promise<boolean> {
    const { count } = await this.prisma.session.updateMany({ where: { id: sessionId, workspaceId }, data: { knowledgeEnabled: enabled } });
    if (count === 0) throw notFound("Session");
    return enabled;
  }

  /** The sources a run of this session would be given for `text`; none when its switch is off. */
  async sourcesFor(workspaceId: string, sessionId: string, text: string): Promise<KnowledgeSource[]> {
    if (this.chunks === 0 || !(await this.enabled(workspaceId, sessionId))) return [];
    return knowledgePrompt(await this.knowledge.retrieve(workspaceId, text, this.chunks)).sources;
  }

  /** The sources a message's run was given (stored when its run started). */
  async messageSources(workspaceId: string, messageId: string): Promise<MessageKnowledgeSources> {
    const sources = await runSources(this.prisma, workspaceId, messageId);
    if (sources === null) throw notFound("Message");
    return { messageId, sources };
  }
}
