/**
 * `POST /api/chat`: a conversation IS a session, and a chat message goes through the same
 * pipeline as `POST /api/sessions/{id}/messages` (stored, queued, run by a worker, its events
 * logged), so a chat can later be read, streamed or continued through the sessions API.
 */
import type { ChatRequest, KnowledgeSource } from "../contracts";
import type { RunFollower } from "../follow/run-follower";
import type { PlanGate } from "../credits/plan-gate";
import type { MessagesService } from "../messages/messages.service";
import type { SentBy } from "../messages/user-message-sender";
import type { SessionKnowledge } from "../knowledge/session-knowledge";
import type { ModelCatalog } from "../models/catalog/model-catalog";
import type { SessionsService } from "../sessions/sessions.service";

const TITLE_LENGTH = 60;

export interface ChatStarted {
  conversationId: string;
  /** The user message, which is also the id of its run. */
  messageId: string;
  /** The concrete model the request resolved to. */
  model: string;
  /** The session's newest event id before the message was sent: the reply's events follow it. */
  afterEventId: number;
  /** The knowledge sources the reply is given, under the markers it cites ([1], [2]...). */
  sources?: KnowledgeSource[];
}

export class ChatService {
  constructor(
    private readonly sessions: SessionsService,
    private readonly messages: MessagesService,
    private readonly follow: Pick<RunFollower, "startPoint">,
    private readonly models: ModelCatalog,
    /** The workspace's plan (models, credits); none: no plan is checked. */
    private readonly gate: Pick<PlanGate, "checkChat"> | null = null,
    /** The conversation's knowledge switch and the sources a reply is given; none: no knowledge. */
    private readonly knowledge: Pick<SessionKnowledge, "setEnabled" | "sourcesFor"> | null = null,
  ) {}

  /** Resolves (or starts) the conversation and sends the message; the reply is produced by a worker. */
  async send(workspaceId: string, request: ChatRequest, sentBy?: SentBy): Promise<ChatStarted> {
    // Refuse a bad model before anything is written.
    const chosen = this.models.choose(request.model);
    const model = chosen?.modelId ?? this.models.resolve(undefined);
    this.messages.checkLength(request.message);
    const existing = request.conversationId ? (await this.sessions.require(workspaceId, request.conversationId)).id : null;
    // A model outside the plan, or no credits left: refused before a conversation is created or changed.
    await this.gate?.checkChat(workspaceId, chosen, existing === null);
    const conversationId =
      existing ?? (await this.sessions.create(workspaceId, { title: conversationTitle(request.message), promptMode: "default", sessionType: "main" })).id;
    // A concrete model becomes the conversation's, so this run and the ones after it use it;
    // Auto leaves the conversation's choice (or the workspace's) as it was.
    if (chosen) await this.sessions.setModel(workspaceId, conversationId, { modelProvider: chosen.provider, modelId: chosen.modelId });
    // `knowledge` sets the conversation's switch before the run reads it; omitted leaves it as it was.
    if (request.knowledge !== undefined) await this.knowledge?.setEnabled(workspaceId, conversationId, request.knowledge);
    const sources = (await this.knowledge?.sourcesFor(workspaceId, conversationId, request.message)) ?? [];
    const afterEventId = await this.follow.startPoint(conversationId);
    // A chat reply is text only: a tool asking permission would stall a plain-text stream. The
    // sources go with the message: its run is given the chunks the header names, not a second search's.
    const { messageId } = await this.messages.send(workspaceId, conversationId, { text: request.message, plan_mode: false }, undefined, {
      withTools: false,
      sentBy,
      ...(this.knowledge ? { knowledgeSources: sources } : {}),
    });
    return { conversationId, messageId, model, afterEventId, sources };
  }
}

/** The first ~60 characters of the first message, on one line. */
export function conversationTitle(message: string): string {
  const line = message.trim().replace(/\s+/g, " ");
  if (line.length <= TITLE_LENGTH) return line;
  return `${line.slice(0, TITLE_LENGTH - 1).trimEnd()}…`;
}
