/**
 * The application services of the API and the MCP server, each built once over the process's
 * infrastructure. The API's Nest modules provide each of them as its own provider; the MCP
 * server's tools take them from here. Nothing here connects to anything: the infrastructure did.
 */
import type { AuditLog } from "../audit/audit-log";
import { ApiKeyRevocations } from "../auth/api-key-revocations";
import { ApiKeyService } from "../auth/api-keys";
import { StreamTokens } from "../auth/stream-tokens";
import { ChatService } from "../chat/chat.service";
import { CommandRegistry } from "../commands/command-registry";
import type { CreditsService } from "../credits/credits.service";
import { WorkspacePlanService } from "../credits/workspace-plan.service";
import type { CredentialsService } from "../credentials/credentials.service";
import { SessionFilesService } from "../files/session-files.service";
import { RunFollower } from "../follow/run-follower";
import type { Config } from "../config/config";
import { HealthCheck } from "../infrastructure/health-check";
import { createInfrastructure, type Infrastructure } from "../infrastructure/infrastructure";
import type { Logger } from "../logging/logger";
import { McpServerCatalog } from "../mcp-servers/mcp-servers-file";
import { McpServersService } from "../mcp-servers/mcp-servers.service";
import { McpStatusCache } from "../mcp-servers/mcp-status";
import { ApiKeysAdmin } from "../members/api-keys-admin";
import { MembersService } from "../members/members.service";
import { WorkspacesService } from "../members/workspaces.service";
import { MessageHistoryService } from "../messages/history.service";
import { MessagesService } from "../messages/messages.service";
import { ModelCatalog } from "../models/catalog/model-catalog";
import { RequestLimits } from "../plans/request-limits";
import { WorkspacePlans } from "../plans/workspace-plans";
import { ProviderOAuthService } from "../oauth/provider-oauth.service";
import { NotificationsService } from "../notifications/notifications.service";
import { PermissionsService } from "../permissions/permissions.service";
import type { PreferencesService } from "../preferences/preferences.service";
import { TokenBucket } from "../rate-limit/token-bucket";
import { StreamSlots, streamSlotTtlMs } from "../rate-limit/stream-slots";
import { CancelService } from "../runs/cancel.service";
import { RunControl } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { SandboxSettingsService } from "../sandbox/sandbox-settings.service";
import { ExportService } from "../sessions/export.service";
import { ForkService } from "../sessions/fork.service";
import { RewindService } from "../sessions/rewind.service";
import { SessionQuota } from "../sessions/session-quota";
import { SessionsService } from "../sessions/sessions.service";
import { BUILTIN_TOOLS, ToolRegistry } from "../tools/tool-registry";
import { offeredBuiltinTools } from "../tools/search";
import { ToolsCatalogService } from "../tools/tools-catalog.service";
import { UsageService } from "../usage/usage.service";
import { createKnowledgeService } from "../knowledge/create-knowledge";
import type { KnowledgeService } from "../knowledge/knowledge.service";
import { SessionKnowledge } from "../knowledge/session-knowledge";
import { WorkspaceProfileService } from "../workspace-profile/workspace-profile.service";

export interface ApplicationServices {
  /** The workspace audit log: every audited service records through it; admins read and export it. */
  audit: AuditLog;
  apiKeys: ApiKeyService;
  streamTokens: StreamTokens;
  /** The workspace as its keys see it, and new workspaces with their owner key (the command line). */
  workspaces: WorkspacesService;
  /** A workspace's members (admins manage them; removing one revokes its keys). */
  members: MembersService;
  /** A workspace's API keys as admins manage them: create (secret shown once), list, revoke. */
  keysAdmin: ApiKeysAdmin;
  sessions: SessionsService;
  messages: MessagesService;
  cancel: CancelService;
  commands: CommandRegistry;
  fork: ForkService;
  rewind: RewindService;
  exports: ExportService;
  history: MessageHistoryService;
  models: ModelCatalog;
  chat: ChatService;
  /** Request limits (per key, per workspace by plan, per budget) as token buckets in Redis, shared by every instance. */
  rateLimits: RequestLimits;
  /** The plan each workspace is on, remembered briefly per process: the limits of its requests and sessions. */
  plans: WorkspacePlans;
  /** Credit balances: the monthly grant, top-ups and adjustments (audited), the ledger. */
  credits: CreditsService;
  /** The plan table, a workspace's plan and the models it lists (GET /api/ai/models), plan changes (audited). */
  workspacePlan: WorkspacePlanService;
  /** Tokens, cost and runs of a workspace's model calls, per day, key, member or model. */
  usage: UsageService;
  /** Each API key's cap on open SSE streams (SSE_MAX_STREAMS_PER_KEY), shared by every instance. */
  streamSlots: StreamSlots;
  /** Whether Postgres and Redis answer. */
  health: HealthCheck;
  files: SessionFilesService;
  preferences: PreferencesService;
  credentials: CredentialsService;
  /** Provider OAuth flows (state in Redis, so any instance finishes them), token health and refresh. */
  oauth: ProviderOAuthService;
  /** The agent's tools as the tools endpoints report them. */
  tools: ToolsCatalogService;
  /** The MCP servers configured for a workspace, with the status the workers' background refresh cached. */
  mcp: McpServersService;
  /** The workspace profile the system prompt of chat and sessions carries (admins change it, audited). */
  workspaceProfile: WorkspaceProfileService;
  /** The workspace's knowledge sources: documents added, chunked, indexed and searched. */
  knowledge: KnowledgeService;
  /** A session's knowledge switch and the sources a message's run was given. */
  sessionKnowledge: SessionKnowledge;
  /** Answers to permission requests (from any instance to the waiting worker) and the workspace policy. */
  permissions: PermissionsService;
  notifications: NotificationsService;
  /** The workspace's sandbox: driver and limits of the deployment, and whether its commands may reach public hosts. */
  sandbox: SandboxSettingsService;
  /** Follows one run's events (the chat's streamed reply, the MCP tools' progress), with the lookups around it. */
  follow: RunFollower;
}

export function createApplicationServices(infra: Infrastructure, mcpCatalog = McpServerCatalog.load(infra.config.MCP_SERVERS_FILE)): ApplicationServices {
  const { config, logger, prisma, redis, subscriber, keys, events, queue, blobs, preferences, credentials } = infra;
  // First: the services built below take it to record their audited actions.
  const audit = infra.audit;
  // Remembered briefly per process, for the limits every request and create checks.
  const plans = infra.workspacePlans;
  const quota = new SessionQuota(prisma, async (workspaceId) => (await plans.get(workspaceId)).maxSessions ?? config.MAX_SESSIONS_PER_WORKSPACE ?? null);
  const sessions = new SessionsService(prisma, events, blobs, audit, quota, infra.planGate);
  const commands = new CommandRegistry({ dir: config.COMMANDS_DIR, logger });
  const messages = new MessagesService(prisma, sessions, queue, commands, logger, { maxChars: config.MESSAGE_MAX_CHARS, gate: infra.planGate });
  const follow = new RunFollower(infra);
  const models = new ModelCatalog(config.MODEL_PROVIDER, config.MODEL_ID);
  // Revocations ride the events subscriber connection: no extra connection per process.
  const files = new SessionFilesService(sessions, blobs, infra.parser);
  const knowledge = createKnowledgeService({ prisma, files, audit, config, logger, parser: infra.parser });
  const sessionKnowledge = new SessionKnowledge(prisma, knowledge, config.KNOWLEDGE_RETRIEVAL_CHUNKS);
  const apiKeys = new ApiKeyService(prisma, new ApiKeyRevocations(redis, subscriber, keys, logger), { audit, logger });
  return {
    audit,
    apiKeys,
    streamTokens: new StreamTokens(redis, keys, apiKeys, config.STREAM_TOKEN_TTL_MS),
    workspaces: new WorkspacesService(prisma, audit),
    members: new MembersService(prisma, audit, apiKeys),
    keysAdmin: new ApiKeysAdmin(prisma, audit, apiKeys),
    sessions,
    messages,
    cancel: new CancelService({
      prisma,
      sessions,
      control: new RunControl(redis, keys),
      leases: new RunLeases(redis, keys, config.RUN_LEASE_MS),
      events,
      logger,
      queue,
    }),
    commands,
    fork: new ForkService(prisma, events, quota),
    rewind: new RewindService(prisma, sessions, blobs, logger),
    exports: new ExportService(prisma, sessions),
    history: new MessageHistoryService(prisma),
    models,
    chat: new ChatService(sessions, messages, follow, models, infra.planGate, sessionKnowledge),
    files,
    rateLimits: new RequestLimits({ buckets: new TokenBucket(redis, keys), plans, settings: config, logger }),
    plans,
    credits: infra.credits,
    workspacePlan: new WorkspacePlanService({ prisma, plans: infra.planCatalog, gate: infra.planGate, credits: infra.credits, models, audit, cache: plans }),
    usage: new UsageService(prisma),
    streamSlots: new StreamSlots(redis, keys, { limit: config.SSE_MAX_STREAMS_PER_KEY, ttlMs: streamSlotTtlMs(config.SSE_HEARTBEAT_MS) }),
    health: new HealthCheck(prisma, redis),
    preferences,
    credentials,
    oauth: new ProviderOAuthService(config, credentials, redis, keys, logger),
    tools: new ToolsCatalogService(new ToolRegistry(offeredBuiltinTools(BUILTIN_TOOLS, config))),
    mcp: new McpServersService(mcpCatalog, new McpStatusCache(redis, keys, McpStatusCache.ttlFor(config.MCP_REFRESH_MS))),
    permissions: new PermissionsService({ prisma, redis, keys, logger, audit }),
    notifications: new NotificationsService({ redis, keys, audit }),
    sandbox: new SandboxSettingsService(prisma, config),
    follow,
    workspaceProfile: new WorkspaceProfileService(prisma, audit),
    knowledge,
    sessionKnowledge,
  };
}

/** A process's infrastructure and the services over it, with one close for both. */
export interface Application {
  infrastructure: Infrastructure;
  services: ApplicationServices;
  close(): Promise<void>;
}

/** The infrastructure and the application services of an API or MCP server process. */
export function openApplication(config: Config, logger: Logger): Application {
  // First: a bad MCP servers file stops the process before it connects anything.
  const mcpCatalog = McpServerCatalog.load(config.MCP_SERVERS_FILE);
  const infrastructure = createInfrastructure(config, logger);
  return { infrastructure, services: createApplicationServices(infrastructure, mcpCatalog), close: () => infrastructure.close() };
}
