/** `GET /api/messages/history`: messages of every session of a workspace, newest first, paged. */
import type { PrismaClient } from "@mix/db";
import type { BackendMessage, MessageHistoryQuery } from "../contracts";
import { toBackendMessage } from "./message-view";

export class MessageHistoryService {
  constructor(private readonly prisma: PrismaClient) {}

  async list(workspaceId: string, query: MessageHistoryQuery): Promise<BackendMessage[]> {
    const messages = await this.prisma.message.findMany({
      where: { session: { workspaceId } },
      // position breaks ties between messages stored in the same instant, and is unique.
      orderBy: [{ createdAt: "desc" }, { position: "desc" }],
      take: query.limit,
      skip: query.offset,
      include: { parts: { orderBy: { index: "asc" } } },
    });
    return messages.map(toBackendMessage);
  }
}
