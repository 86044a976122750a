/**
 * `POST /api/sessions/{id}/fork`: a new "forked" session holding a copy of the source's first
 * messages (up to and including `messageIndex`, in conversation order) with their parts, and
 * the source's prompt settings and callbacks. Written in one transaction, so a failed fork
 * leaves nothing behind. Token totals start at zero: they count what the fork itself spends.
 */
import { randomUUID } from "node:crypto";
import { Prisma, type PrismaClient } from "@mix/db";
import { DEFAULT_FORK_TITLE, type ForkSessionRequest, type SessionData } from "../contracts";
import { remapMarkerPart } from "../context/compaction-marker";
import { notFound, validationError } from "../errors/app-error";
import type { EventLog } from "../events/event-log";
import { loadSessionCounts } from "./session-counts";
import { SessionQuota } from "./session-quota";
import { announceSessionCreated } from "./session-events";
import { toSessionData } from "./session-view";
import { loadTranscript } from "./transcript";

/** Rows per INSERT, well under Postgres' 65,535 bind parameters. */
const BATCH = 1_000;
/** A long transcript takes a while to copy; Prisma's default of 5 s is too tight. */
const TRANSACTION_TIMEOUT_MS = 60_000;

function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += BATCH) out.push(rows.slice(i, i + BATCH));
  return out;
}

export class ForkService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventLog,
    /** A fork is a session the workspace holds: it counts against the cap. */
    private readonly quota: SessionQuota = new SessionQuota(prisma),
  ) {}

  async fork(workspaceId: string, sessionId: string, request: ForkSessionRequest): Promise<SessionData> {
    const forked = await this.quota.createInSnapshot(
      workspaceId,
      async (tx) => {
        const source = await tx.session.findFirst({ where: { id: sessionId, workspaceId } });
        if (!source) throw notFound("Session");
        const transcript = await loadTranscript(tx, source.id, request.messageIndex + 1);
        if (request.messageIndex >= transcript.length) {
          throw validationError(
            `messageIndex ${request.messageIndex} is out of range: the session has ${transcript.length} message(s)` +
              (transcript.length ? `, so the largest index is ${transcript.length - 1}` : ""),
          );
        }
        // Turns are renumbered 1..n in order, so the fork's turn counter continues right after them.
        const turns = new Map<number, number>();
        for (const message of transcript) if (!turns.has(message.turn)) turns.set(message.turn, turns.size + 1);

        const session = await tx.session.create({
          data: {
            workspaceId,
            title: request.title ?? DEFAULT_FORK_TITLE,
            sessionType: "forked",
            parentSessionId: source.id,
            customSystemPrompt: source.customSystemPrompt,
            promptMode: source.promptMode,
            callbacks: (source.callbacks ?? []) as Prisma.InputJsonValue,
            // A fork goes on with the model its source was talking to.
            modelProvider: source.modelProvider,
            modelId: source.modelId,
            // And with its browser.
            browserMode: source.browserMode,
            cdpUrl: source.cdpUrl,
            turnCount: turns.size,
          },
        });
        const copies = transcript.map((message) => ({ message, id: randomUUID() }));
        // Rows are inserted in conversation order, so the new positions keep the order within a turn.
        for (const batch of chunks(copies)) {
          await tx.message.createMany({
            data: batch.map(({ message, id }) => ({
              id,
              sessionId: session.id,
              turn: turns.get(message.turn)!,
              role: message.role,
              model: message.model,
              finishReason: message.finishReason,
              createdAt: message.createdAt,
            })),
          });
        }
        // A compaction marker names the message its kept part starts with: the copy's id here.
        const copiedIds = new Map(copies.map(({ message, id }) => [message.id, id]));
        const parts = copies.flatMap(({ message, id }) =>
          message.parts.map((part) => ({
            messageId: id,
            index: part.index,
            type: part.type,
            data: remapMarkerPart(part.data, copiedIds) as Prisma.InputJsonValue,
            createdAt: part.createdAt,
          })),
        );
        for (const batch of chunks(parts)) await tx.part.createMany({ data: batch });
        return session;
      },
      // One snapshot of the source, even if it is being written to meanwhile.
      { isolationLevel: Prisma.TransactionIsolationLevel.RepeatableRead, timeout: TRANSACTION_TIMEOUT_MS },
    );

    await announceSessionCreated(this.events, forked);
    const counts = await loadSessionCounts(this.prisma, [forked.id]);
    return toSessionData(forked, counts.get(forked.id)!);
  }
}
