/**
 * The application services of the API and the MCP server, each built once over the process's
 * infrastructure. The API's Nest modules provide each of them as its own provider; the MCP
 * server's tools take them from here. Nothing here connects to anything: the infrastructure did.
 */
import { ApiKeyRevocations } from "../auth/api-key-revocations";
import { ApiKeyService } from "../auth/api-keys";
import { ChatService } from "../chat/chat.service";
import { CommandRegistry } from "../commands/command-registry";
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
import { MessageHistoryService } from "../messages/history.service";
import { MessagesService } from "../messages/messages.service";
import { ModelCatalog } from "../models/catalog/model-catalog";
import { ProviderOAuthService } from "../oauth/provider-oauth.service";
import { PermissionsService } from "../permissions/permissions.service";
import type { PreferencesService } from "../preferences/preferences.service";
import { RateLimiter } from "../rate-limit/rate-limiter";
import { StreamSlots } from "../rate-limit/stream-slots";
import { CancelService } from "../runs/cancel.service";
import { RunControl } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { SandboxSettingsService } from "../sandbox/sandbox-settings.service";
import { ExportService } from "../sessions/export.service";
import { ForkService } from "../sessions/fork.service";
import { RewindService } from "../sessions/rewind.service";
import { SessionsService } from "../sessions/sessions.service";
import { ToolRegistry } from "../tools/tool-registry";
import { ToolsCatalogService } from "../tools/tools-catalog.service";

export interface ApplicationServices {
  apiKeys: ApiKeyService;
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
  /** Per-API-key request counts shared by every instance (routes marked rate-limited). */
  rateLimiter: RateLimiter;
  /** Per-API-key message sends (MESSAGE_RATE_LIMIT_PER_MINUTE): a budget apart, so sends never eat into rateLimiter's. */
  messageRateLimiter: RateLimiter;
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
  /** Answers to permission requests (from any instance to the waiting worker) and the workspace policy. */
  permissions: PermissionsService;
  /** The workspace's sandbox: driver and limits of the deployment, and whether its commands may reach public hosts. */
  sandbox: SandboxSettingsService;
  /** Follows one run's events (the chat's streamed reply, the MCP tools' progress), with the lookups around it. */
  follow: RunFollower;
}

// The rate limits count per minute.
const RATE_LIMIT_WINDOW_MS = 60_000;
// A stream's slot lapses after three missed heartbeats: one late heartbeat never frees a live
// stream's slot, and a crashed instance's slots are free again within this long.
const SLOT_TTL_HEARTBEATS = 3;

export function createApplicationServices(infra: Infrastructure, mcpCatalog = McpServerCatalog.load(infra.config.MCP_SERVERS_FILE)): ApplicationServices {
  const { config, logger, prisma, redis, subscriber, keys, events, queue, blobs, preferences, credentials } = infra;
  const sessions = new SessionsService(prisma, events, blobs);
  const commands = new CommandRegistry({ dir: config.COMMANDS_DIR, logger });
  const messages = new MessagesService(prisma, sessions, queue, commands, logger);
  const follow = new RunFollower(infra);
  const models = new ModelCatalog(config.MODEL_PROVIDER, config.MODEL_ID);
  return {
    // Revocations ride the events subscriber connection: no extra connection per process.
    apiKeys: new ApiKeyService(prisma, new ApiKeyRevocations(redis, subscriber, keys, logger)),
    sessions,
    messages,
    cancel: new CancelService({
      prisma,
      sessions,
      control: new RunControl(redis, keys),
      leases: new RunLeases(redis, keys, config.RUN_LEASE_MS),
      events,
      logger,
    }),
    commands,
    fork: new ForkService(prisma, events),
    rewind: new RewindService(prisma, sessions, blobs, logger),
    exports: new ExportService(prisma, sessions),
    history: new MessageHistoryService(prisma),
    models,
    chat: new ChatService(sessions, messages, follow, models),
    files: new SessionFilesService(sessions, blobs),
    rateLimiter: new RateLimiter(redis, keys, { limit: config.RATE_LIMIT_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS }),
    messageRateLimiter: new RateLimiter(redis, keys, { limit: config.MESSAGE_RATE_LIMIT_PER_MINUTE, windowMs: RATE_LIMIT_WINDOW_MS }),
    streamSlots: new StreamSlots(redis, keys, { limit: config.SSE_MAX_STREAMS_PER_KEY, ttlMs: SLOT_TTL_HEARTBEATS * config.SSE_HEARTBEAT_MS }),
    health: new HealthCheck(prisma, redis),
    preferences,
    credentials,
    oauth: new ProviderOAuthService(config, credentials, redis, keys, logger),
    tools: new ToolsCatalogService(new ToolRegistry()),
    mcp: new McpServersService(mcpCatalog, new McpStatusCache(redis, keys, McpStatusCache.ttlFor(config.MCP_REFRESH_MS))),
    permissions: new PermissionsService({ prisma, redis, keys, logger }),
    sandbox: new SandboxSettingsService(prisma, config),
    follow,
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
