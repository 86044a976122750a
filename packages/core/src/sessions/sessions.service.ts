/** Sessions of a workspace: create, list, get, delete. Every query is scoped to the workspace. */
import type { PrismaClient, Session } from "@mix/db";
import { ACTIVE_RUN_STATUSES, type Callback, type CreateSessionRequest, type SessionData } from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import type { EventLog } from "../events/event-log";
import type { BlobStore } from "../storage/blob-store";
import { parseSessionModel, type SessionModel } from "../models/catalog/session-model";
import { loadSessionCounts } from "./session-counts";
import { decodeSessionCursor, encodeSessionCursor } from "./session-cursor";
import { announceSessionCreated } from "./session-events";
import { toSessionData } from "./session-view";
import { checkCustomPrompt } from "./system-prompt";

/** Defined in the contracts; re-exported for the session services that import it from here. */

export interface ListSessionsOptions {
  includeSubagents: boolean;
  /** Page size; without it every session is listed. */
  limit?: number;
  /** Start after this session (a nextCursor handed out earlier). */
  cursor?: string;
}

export interface SessionPage {
  sessions: SessionData[];
  /** Null on the last page, and whenever no `limit` was given. */
  nextCursor: string | null;
}

export class SessionsService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly events: EventLog,
    private readonly blobs: BlobStore,
  ) {}

  async create(workspaceId: string, request: CreateSessionRequest): Promise<SessionData> {
    checkCustomPrompt(request.customSystemPrompt, request.promptMode);
    const model = parseSessionModel(request.provider, request.modelId);
    const session = await this.prisma.session.create({
      data: {
        workspaceId,
        title: request.title,
        promptMode: request.promptMode,
        customSystemPrompt: request.customSystemPrompt ?? null,
        callbacks: request.callbacks ?? [],
        modelProvider: model.modelProvider,
        modelId: model.modelId,
      },
    });
    await announceSessionCreated(this.events, session);
    return toSessionData(session, { userMessageCount: 0, assistantMessageCount: 0, toolCallCount: 0 });
  }

  /** Newest first (ties by id); subagent sessions only when asked for; every session unless `limit`. */
  async list(workspaceId: string, options: ListSessionsOptions): Promise<SessionData[]> {
    return (await this.listPage(workspaceId, options)).sessions;
  }

  /** As list(), with the cursor of the next page when `limit` left sessions out. */
  async listPage(workspaceId: string, options: ListSessionsOptions): Promise<SessionPage> {
    const after = options.cursor === undefined ? undefined : decodeSessionCursor(options.cursor);
    const rows = await this.prisma.session.findMany({
      where: {
        workspaceId,
        ...(options.includeSubagents ? {} : { sessionType: { not: "subagent" } }),
        ...(after ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] } : {}),
      },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      // One more than asked tells whether a next page exists without counting.
      ...(options.limit === undefined ? {} : { take: options.limit + 1 }),
    });
    const more = options.limit !== undefined && rows.length > options.limit;
    const page = more ? rows.slice(0, options.limit) : rows;
    const counts = await loadSessionCounts(
      this.prisma,
      page.map((session) => session.id),
    );
    return {
      sessions: page.map((session) => toSessionData(session, counts.get(session.id)!)),
      nextCursor: more ? encodeSessionCursor(page.at(-1)!) : null,
    };
  }

  async get(workspaceId: string, sessionId: string): Promise<SessionData> {
    const session = await this.require(workspaceId, sessionId);
    const counts = await loadSessionCounts(this.prisma, [session.id]);
    return toSessionData(session, counts.get(session.id)!);
  }

  /**
   * Sets the model the session's next runs use. The caller has checked it against its catalog
   * (chat checks the deployment's models, which may include a configured MODEL_ID the provider
   * catalog does not list).
   */
  async setModel(workspaceId: string, sessionId: string, model: SessionModel): Promise<void> {
    const { count } = await this.prisma.session.updateMany({
      where: { id: sessionId, workspaceId },
      data: { modelProvider: model.modelProvider, modelId: model.modelId },
    });
    if (count === 0) throw notFound("Session");
  }

  /** Replaces the session's callbacks (an empty list clears them). */
  async updateCallbacks(workspaceId: string, sessionId: string, callbacks: Callback[]): Promise<SessionData> {
    await this.require(workspaceId, sessionId);
    await this.prisma.session.update({ where: { id: sessionId }, data: { callbacks } });
    return this.get(workspaceId, sessionId);
  }

  /**
   * Deletes the session, its messages, runs, event log and files. Refused with 409 while a run is
   * queued or running: cancel it first (POST /cancel), then delete.
   */
  async delete(workspaceId: string, sessionId: string): Promise<void> {
    await this.require(workspaceId, sessionId);
    const active = await this.prisma.run.count({ where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } } });
    if (active > 0) throw conflict("Session has an active run; cancel it (POST /api/sessions/{id}/cancel) before deleting");
    // Its subagents' sessions go with it: they live inside its runs and share its files and stream.
    await this.prisma.session.deleteMany({ where: { workspaceId, OR: [{ id: sessionId }, { parentSessionId: sessionId, sessionType: "subagent" }] } });
    // Tell open streams before the log goes, so they can close.
    await this.events.append(sessionId, "session_deleted", { type: "session_deleted", sessionId });
    await this.events.delete(sessionId);
    await this.blobs.deleteAll(sessionId);
  }

  /** The session if it belongs to the workspace; 404 otherwise (never reveals other workspaces). */
  async require(workspaceId: string, sessionId: string): Promise<Session> {
    const session = await this.prisma.session.findFirst({ where: { id: sessionId, workspaceId } });
    if (!session) throw notFound("Session");
    return session;
  }
}
