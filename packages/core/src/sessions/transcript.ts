/** A session's messages with their parts, in conversation order: (turn, position), parts by index. */
import type { Prisma, PrismaClient } from "@mix/db";
import type { MessageWithParts } from "../messages/message-view";

/** A client or the client of an open transaction. */
export type Db = PrismaClient | Prisma.TransactionClient;

export function loadTranscript(db: Db, sessionId: string, take?: number): Promise<MessageWithParts[]> {
  return db.message.findMany({
    where: { sessionId },
    orderBy: [{ turn: "asc" }, { position: "asc" }],
    include: { parts: { orderBy: { index: "asc" } } },
    ...(take !== undefined ? { take } : {}),
  });
}
