/** The conversation a run sends to the model: every text message up to the run's turn. */
import type { PrismaClient } from "@mix/db";
import type { PartData } from "../messages/parts";
import type { ModelMessage } from "../agent/provider";

export async function loadModelHistory(prisma: PrismaClient, sessionId: string, upToTurn: number): Promise<ModelMessage[]> {
  const messages = await prisma.message.findMany({
    where: { sessionId, turn: { lte: upToTurn }, role: { in: ["user", "assistant"] } },
    orderBy: [{ turn: "asc" }, { position: "asc" }],
    include: { parts: { where: { type: "text" }, orderBy: { index: "asc" } } },
  });
  return messages
    .map((message): ModelMessage => ({
      role: message.role as "user" | "assistant",
      content: message.parts.map((part) => (part.data as Extract<PartData, { type: "text" }>).text).join(""),
    }))
    .filter((message) => "content" in message && message.content.length > 0);
}
