/** Everything an API process (or the MCP server) needs, wired once from the configuration. */
import { createPrismaClient, type PrismaClient } from "@mix/db";
import type { Redis } from "ioredis";
import type { Config } from "../config/config";
import { ApiKeyRevocations } from "../auth/api-key-revocations";
import { ApiKeyService } from "../auth/api-keys";
import { mapWorkspaceGone } from "../auth/workspace-gone";
import { ChatService } from "../chat/chat.service";
import { CommandRegistry } from "../commands/command-registry";
import { CredentialsService } from "../credentials/credentials.service";
import { ProviderOAuthService } from "../oauth/provider-oauth.service";
import { EventFanout } from "../events/event-fanout";
import { PostgresEventIds } from "../events/event-ids";
import { EventLog } from "../events/event-log";
import type { Logger } from "../logging/logger";
import { McpServerCatalog } from "../mcp-servers/mcp-servers-file";
import { McpServersService } from "../mcp-servers/mcp-servers.service";
import { McpStatusCache } from "../mcp-servers/mcp-status";
import { MessageHistoryService } from "../messages/history.service";
import { MessagesService } from "../messages/messages.service";
import { ModelCatalog } from "../models/catalog/model-catalog";
import { PermissionsService } from "../permissions/permissions.service";
import { PreferencesService } from "../preferences/preferences.service";
import { RateLimiter } from "../rate-limit/rate-limiter";
import { createBullConnection, createRedis } from "../redis/connection";
import { RedisKeys } from "../redis/keys";
import { CancelService } from "../runs/cancel.service";
import { RunControl } from "../runs/run-control";
import { RunLeases } from "../runs/run-lease";
import { RunQueue } from "../queues/run-queue";
import { ExportService } from "../sessions/export.service";
import { ForkService } from "../sessions/fork.service";
import { RewindService } from "../sessions/rewind.service";
import { sandboxFileOwner } from "../sandbox/create-sandbox";
import { SandboxSettingsService } from "../sandbox/sandbox-settings.service";
import { SessionsService } from "../sessions/sessions.service";
import { ToolRegistry } from "../tools/tool-registry";
import { ToolsCatalogService } from "../tools/tools-catalog.service";
import { LocalBlobStore } from "../storage/local-blob-store";
import { SessionFilesService } from "../files/session-files.service";

export interface ApiServices {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  keys: RedisKeys;
  events: EventLog;
  fanout: EventFanout;
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
  files: SessionFilesService;
  preferences: PreferencesService;
  /** Provider credentials, encrypted at rest; `resolve` is the one reader of a provider's key. */
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
  close(): Promise<void>;
}

export function createApiServices(config: Config, logger: Logger): ApiServices {
  // First: a bad MCP servers file stops the process before it connects anything.
  const mcpCatalog = McpServerCatalog.load(config.MCP_SERVERS_FILE);
  // A request of a workspace deleted meanwhile fails like its key: 401, not a foreign-key 500.
  const prisma = mapWorkspaceGone(createPrismaClient({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE }));
  const keys = new RedisKeys(config.REDIS_PREFIX);
  const redis = createRedis(config.REDIS_URL, {}, logger);
  // One subscriber connection for every stream served by this process.
  const subscriber = createRedis(config.REDIS_URL, {}, logger);
  const queueConnection = createBullConnection(config.REDIS_URL, logger);
  const events = new EventLog(redis, keys, { maxLen: config.EVENT_LOG_MAX_LEN, ttlSeconds: config.EVENT_LOG_TTL_SECONDS, ids: new PostgresEventIds(prisma) });
  const fanout = new EventFanout(subscriber, keys, logger);
  const queue = new RunQueue(queueConnection, keys.queuePrefix());
  // Files the API writes for a session (uploads) belong to the user its sandboxed commands run as.
  const blobs = new LocalBlobStore(config.STORAGE_DIR, { owner: sandboxFileOwner(config) });
  const sessions = new SessionsService(prisma, events, blobs);
  const commands = new CommandRegistry({ dir: config.COMMANDS_DIR, logger });
  const messages = new MessagesService(prisma, sessions, queue, commands, logger);
  const models = new ModelCatalog(config.MODEL_PROVIDER, config.MODEL_ID);
  const preferences = new PreferencesService(prisma);
  const credentials = new CredentialsService(prisma, config, preferences);

  return {
    config,
    prisma,
    redis,
    keys,
    events,
    fanout,
    // Revocations ride the events subscriber connection: no extra connection per process.
    apiKeys: new ApiKeyService(prisma, new ApiKeyRevocations(redis, subscriber, keys, logger)),
    sessions,
    messages,
    cancel: new CancelService({ prisma, sessions, control: new RunControl(redis, keys), leases: new RunLeases(redis, keys, config.RUN_LEASE_MS), events, logger }),
    commands,
    fork: new ForkService(prisma, events),
    rewind: new RewindService(prisma, sessions, blobs, logger),
    exports: new ExportService(prisma, sessions),
    history: new MessageHistoryService(prisma),
    models,
    chat: new ChatService(sessions, messages, events, models),
    files: new SessionFilesService(sessions, blobs),
    rateLimiter: new RateLimiter(redis, keys, { limit: config.RATE_LIMIT_PER_MINUTE, windowMs: 60_000 }),
    preferences,
    credentials,
    oauth: new ProviderOAuthService(config, credentials, redis, keys, logger),
    tools: new ToolsCatalogService(new ToolRegistry()),
    mcp: new McpServersService(mcpCatalog, new McpStatusCache(redis, keys, McpStatusCache.ttlFor(config.MCP_REFRESH_MS))),
    permissions: new PermissionsService({ prisma, redis, keys, logger }),
    sandbox: new SandboxSettingsService(prisma, config),
    async close() {
      await queue.close();
      await Promise.all([prisma.$disconnect(), redis.quit(), subscriber.quit(), queueConnection.quit()]);
    },
  };
}
