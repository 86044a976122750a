/** `GET /api/sessions/{id}/export`: the whole transcript with counts and token totals. */
import type { PrismaClient } from "@mix/db";
import type { ExportSession } from "../contracts";
import { toExportMessages } from "./export-view";
import type { SessionsService } from "./sessions.service";
import { loadTranscript } from "./transcript";

export class ExportService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sessions: SessionsService,
  ) {}

  async export(workspaceId: string, sessionId: string): Promise<ExportSession> {
    const session = await this.sessions.require(workspaceId, sessionId);
    const transcript = await loadTranscript(this.prisma, sessionId);
    const messages = toExportMessages(transcript);
    // Counted from the transcript itself, so the counts always match the messages exported.
    const count = (role: string) => transcript.filter((message) => message.role === role).length;
    const toolCallCount = transcript.reduce((sum, message) => sum + message.parts.filter((part) => part.type === "tool_call").length, 0);
    return {
      id: session.id,
      title: session.title,
      createdAt: session.createdAt.toISOString(),
      updatedAt: session.updatedAt.toISOString(),
      messages,
      userMessageCount: count("user"),
      assistantMessageCount: count("assistant"),
      toolCallCount,
      promptTokens: session.promptTokens,
      completionTokens: session.completionTokens,
      cacheReadTokens: session.cacheReadTokens,
      cacheWriteTokens: session.cacheWriteTokens,
      cost: session.cost,
    };
  }
}
