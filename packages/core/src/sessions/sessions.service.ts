/** Sessions of a workspace: create, list, get, delete. Every query is scoped to the workspace. */
import type { PrismaClient, Session } from "@mix/db";
import { argumentsDigest } from "../audit/arguments-digest";
import { SYSTEM_ACTOR, type Actor, type AuditWriter } from "../audit/audit-entry";
import { ACTIVE_RUN_STATUSES, DEFAULT_BROWSER_MODE, type BrowserMode, type Callback, type CreateSessionRequest, type SessionData } from "../contracts";
import { conflict, notFound } from "../errors/app-error";
import type { EventLog } from "../events/event-log";
import type { BlobStore } from "../storage/blob-store";
import type { PlanGate } from "../credits/plan-gate";
import { parseSessionModel, type SessionModel } from "../models/catalog/session-model";
import { loadSessionCounts } from "./session-counts";
import { SessionQuota } from "./session-quota";
import { decodeSessionCursor, encodeSessionCursor } from "./session-cursor";
import { announceSessionCreated } from "./session-events";
import { toSessionData } from "./session-view";
import { checkCustomPrompt } from "./system-prompt";

/** A checked create request; browserMode may be left out by callers inside the server (the default then). */
export type CreateSessionInput = Omit<CreateSessionRequest, "browserMode"> & { browserMode?: BrowserMode };

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
    /** Records sessions deleted and callbacks changed (none: nothing is recorded). */
    private readonly audit: AuditWriter | null = null,
    /** The workspace's cap on sessions (none: no cap). */
    private readonly quota: SessionQuota = new SessionQuota(prisma),
    /** The workspace's plan: a session created with a model outside it is refused (403). None: no plan is checked. */
    private readonly gate: Pick<PlanGate, "checkSessionModel"> | null = null,
  ) {}

  async create(workspaceId: string, request: CreateSessionInput): Promise<SessionData> {
    checkCustomPrompt(request.customSystemPrompt, request.promptMode);
    const model = parseSessionModel(request.provider, request.modelId);
    await this.gate?.checkSessionModel(workspaceId, model);
    const session = await this.quota.create(workspaceId, (db) =>
      db.session.create({
        data: {
          workspaceId,
          title: request.title,
          promptMode: request.promptMode,
          customSystemPrompt: request.customSystemPrompt ?? null,
          callbacks: request.callbacks ?? [],
          modelProvider: model.modelProvider,
          modelId: model.modelId,
          browserMode: request.browserMode ?? DEFAULT_BROWSER_MODE,
          cdpUrl: request.cdpUrl ?? null,
        },
      }),
    );
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

  /** Replaces the session's callbacks (an empty list clears them); a change is audited with it. */
  async updateCallbacks(workspaceId: string, sessionId: string, callbacks: Callback[], actor: Actor = SYSTEM_ACTOR): Promise<SessionData> {
    const before = await this.require(workspaceId, sessionId);
    await this.prisma.$transaction(async (tx) => {
      await tx.session.update({ where: { id: sessionId }, data: { callbacks } });
      // Their commands and prompts may hold secrets: the entry names them and digests the rest.
      if (argumentsDigest(before.callbacks) === argumentsDigest(callbacks)) return;
      const target = { type: "session", id: sessionId };
      const details = { before: summarizeCallbacks(before.callbacks), after: summarizeCallbacks(callbacks), digest: argumentsDigest(callbacks) };
      await this.audit?.record({ workspaceId, actor, action: "session.callbacks_changed", target, details }, tx);
    });
    return this.get(workspaceId, sessionId);
  }

  /**
   * Deletes the session, its messages, runs, event log and files. Refused with 409 while a run is
   * queued or running: cancel it first (POST /cancel), then delete.
   */
  async delete(workspaceId: string, sessionId: string, actor: Actor = SYSTEM_ACTOR): Promise<void> {
    const session = await this.require(workspaceId, sessionId);
    const active = await this.prisma.run.count({ where: { sessionId, status: { in: [...ACTIVE_RUN_STATUSES] } } });
    if (active > 0) throw conflict("Session has an active run; cancel it (POST /api/sessions/{id}/cancel) before deleting");
    // Its subagents' sessions go with it: they live inside its runs and share its files and stream.
    await this.prisma.$transaction(async (tx) => {
      const { count } = await tx.session.deleteMany({
        where: { workspaceId, OR: [{ id: sessionId }, { parentSessionId: sessionId, sessionType: "subagent" }] },
      });
      const details = { title: session.title, sessionType: session.sessionType, subagentSessionsDeleted: Math.max(count - 1, 0) };
      if (count > 0) await this.audit?.record({ workspaceId, actor, action: "session.deleted", target: { type: "session", id: sessionId }, details }, tx);
    });
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

/** What an audit entry says of callbacks: their kind, tool and name, never their commands or prompts. */
function summarizeCallbacks(callbacks: unknown): { type: unknown; toolName: unknown; name?: unknown }[] {
  if (!Array.isArray(callbacks)) return [];
  return callbacks.map((callback: Record<string, unknown>) => ({
    type: callback?.type,
    toolName: callback?.toolName,
    ...(callback?.name === undefined ? {} : { name: callback.name }),
  }));
}
