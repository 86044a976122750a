export * from "./contracts";
export { loadConfig, ConfigError, ConfigSchema, type Config } from "./config/config";
export {
  AppError,
  notFound,
  validationError,
  badRequest,
  conflict,
  unauthorized,
  payloadTooLarge,
  forbidden,
  rateLimited,
  paymentRequired,
  unprocessable,
  reasonForStatus,
} from "./errors/app-error";
export { describeZodError } from "./errors/zod-message";
export { createLogger, type Logger } from "./logging/logger";
export { startTracing, stopTracing, tracingRequested, TRACED_SERVICE, type Tracing } from "./tracing/tracing-setup";
export { inSpan, traceCarrier } from "./tracing/spans";
export { httpServerSpans, expressRoute, type RouteOf } from "./tracing/http-server-span";
export { RedisKeys } from "./redis/keys";
export { createRedis } from "./redis/connection";
export { withDeadline, REDIS_DEADLINE_MS } from "./redis/deadline";
export { EventLog, EVENT_ID_BLOCK } from "./events/event-log";
export { PostgresEventIds, type EventIdReserver } from "./events/event-ids";
export { EventFanout, publishedJson } from "./events/event-fanout";
export { openSessionEventStream, REPLAY_UNAVAILABLE, type OpenStream, type ReplayGap, type StreamHandlers } from "./events/session-event-stream";
export { argumentsDigest, canonicalJson } from "./audit/arguments-digest";
export { AuditLog, AUDIT_EXPORT_BATCH, type AuditPage, type AuditPageOptions } from "./audit/audit-log";
export { ApiKeyService, hashApiKey, generateApiKey, newKeyMaterial, type Principal, type ApiKeyServiceOptions } from "./auth/api-keys";
export { KeyAuthenticator } from "./auth/key-authenticator";
export { LAST_USED_RESOLUTION_MS } from "./auth/last-used";
export { MembersService } from "./members/members.service";
export { ApiKeysAdmin } from "./members/api-keys-admin";
export { WorkspacesService, type NewWorkspace, type CreatedWorkspace } from "./members/workspaces.service";
export type { Acting } from "./members/role-rules";
export { SessionsService, type ListSessionsOptions, type SessionPage } from "./sessions/sessions.service";
export { MessagesService } from "./messages/messages.service";
export { CancelService } from "./runs/cancel.service";
export { ChatService, type ChatStarted } from "./chat/chat.service";
export { RunFollower, type RunFollowerDeps } from "./follow/run-follower";
export type { FollowHandlers, FollowOptions, FollowedRun, Following, RunOutcome, RunProgress, RunReply, RunToFollow } from "./follow/run-outcome";
export type { PendingPermission, PendingQuestion, ToolCallStatus, ToolCallSummary } from "./follow/run-tracker";
export type { RunStatusView } from "./follow/run-status";
export { storedReply } from "./follow/stored-reply";
export { ReplyFilter, type ReplyStep } from "./follow/reply-filter";
export { ModelCatalog, AUTO_MODEL_ID, type ChosenModel } from "./models/catalog/model-catalog";
export { PriceTable, parseModelPrices, BUILT_IN_PRICES, type ModelPrice } from "./models/catalog/model-prices";
export { parseSessionModel, type SessionModel } from "./models/catalog/session-model";
export { ModelSelector, ModelUnavailableError, type ModelChoice, type ModelSelectorDeps, type AgentRole } from "./models/selection/model-selector";
export { createScriptedProvider } from "./models/scripted/create-scripted-provider";
export { isGenericTitle, titleFromMessage, TITLE_MAX_LENGTH, FALLBACK_TITLE } from "./sessions/session-title";
export { TokenBucket, type Bucket, type BucketPolicy, type BucketState, type TakeResult, type TokenBucketOptions } from "./rate-limit/token-bucket";
export {
  RATE_LIMIT_BUDGETS,
  rateLimitExceeded,
  reportedBucket,
  requestBuckets,
  type CountedRequest,
  type LimitedBucket,
  type LimitedState,
  type RateLimitBudgetName,
} from "./rate-limit/request-buckets";
export { StreamSlots, type SlotAcquired, type StreamSlotsOptions } from "./rate-limit/stream-slots";
export { ForkService } from "./sessions/fork.service";
export { RewindService } from "./sessions/rewind.service";
export { ExportService } from "./sessions/export.service";
export { MessageHistoryService } from "./messages/history.service";
export { CommandRegistry, type CommandRegistryOptions } from "./commands/command-registry";
export { PreferencesService, DEFAULT_PREFERENCES, defaultPreferences } from "./preferences/preferences.service";
export { CredentialsService, parseCredentialProvider, ENCRYPTION_KEY_MISSING } from "./credentials/credentials.service";
export { providerCatalog, CREDENTIAL_PROVIDER_INFO, SCRIPTED_PROVIDER, SCRIPTED_MODEL_ID, type ModelProviderName } from "./models/catalog/provider-catalog";
export { SecretBox, SecretBoxError, parseEncryptionKey, parseEncryptionKeys, type NamedKey, type SecretKeys } from "./secrets/secret-box";
export { rotateCredentials, type RotationReport } from "./credentials/rotate-credentials";
export { createApplicationServices, openApplication, type ApplicationServices, type Application } from "./services/application-services";
export { createInfrastructure, type Infrastructure, type InfrastructureOptions } from "./infrastructure/infrastructure";
export { HealthCheck, type DependencyStatus } from "./infrastructure/health-check";
export { startRunWorker, type RunWorker, type RunWorkerOptions } from "./workers/run-worker";
export {
  startMaintenanceWorker,
  MAINTENANCE_SCHEDULES,
  MCP_REFRESH_JOB,
  type MaintenanceWorker,
  type MaintenanceWorkerOptions,
} from "./workers/maintenance-worker";
export { ProviderOAuthService } from "./oauth/provider-oauth.service";
export { refreshExpiringTokens, REFRESH_AHEAD_MS, type RefreshOutcome } from "./oauth/token-refresh";
export { OAUTH_STATE_TTL_SECONDS } from "./oauth/oauth-state";
export type {
  ModelProvider,
  ModelRequest,
  ModelStreamPart,
  ModelMessage,
  ToolDefinition,
  ToolCallRequest,
  ToolResultMessage,
  TokenUsage,
  ReasoningBlock,
  ProviderMetadata,
} from "./models/model-provider";
export { RetryableProviderError } from "./models/model-provider";
export { ScriptedProvider } from "./models/scripted/scripted-provider";
export { inferThinkingLevel, THINKING_BUDGETS } from "./models/thinking";
export { createProviderModel, OPENROUTER_BASE_URL, ANTHROPIC_OAUTH_BETA, type ProviderModelOptions } from "./models/providers/create-provider-model";
export { AiSdkProvider, type AiSdkProviderOptions } from "./models/providers/ai-sdk-provider";
export { PROVIDER_KINDS, type ProviderKind } from "./models/providers/provider-kind";
export { runService, type StopService } from "./lifecycle/run-service";
export { SessionFilesService, type StoredFile } from "./files/session-files.service";
export { LocalBlobStore } from "./storage/local-blob-store";
export type { BlobStore, BlobEntry, ByteRange } from "./storage/blob-store";
export { ToolRegistry, BUILTIN_TOOLS, toolLimits } from "./tools/tool-registry";
export {
  ToolError,
  type Tool,
  type ToolCategory,
  type ToolContext,
  type ToolLimits,
  type ToolResult,
  type UserNotification,
  type UserNotifier,
  type NotificationAnswer,
} from "./tools/tool";
export { ToolsCatalogService } from "./tools/tools-catalog.service";
export { createSandbox, sandboxFileOwner } from "./sandbox/create-sandbox";
export { SandboxStartError, type Sandbox, type SandboxCommand, type SandboxRun, type SandboxNetwork, type CapturedText } from "./sandbox/sandbox";
export { checkUnconfinedAllowed } from "./sandbox/unconfined/unconfined-policy";
export { matchingCallbacks } from "./callbacks/matching-callbacks";
export { runCallback, callbackName } from "./callbacks/run-callback";
export type { CallbackInvocation, CallbackEffects, CallbackOutcome, CallbackResult, SubAgentAnswer } from "./callbacks/callback-invocation";
export { PermissionGate, type PermissionAsk, type PermissionOutcome, type PermissionGateDeps } from "./permissions/permission-gate";
export { PermissionsService, type PermissionsServiceDeps } from "./permissions/permissions.service";
export { PermissionPolicies, policyRequiresPermission, MCP_TOOL_NAME_PATTERN, type StoredPermissionPolicy } from "./permissions/permission-policy";
export { describePermission, type PermissionAction, type PermissionDescription } from "./permissions/permission-description";
export { SETTLED_PERMISSION_TTL_MS, ALWAYS_GRANT_TTL_SECONDS } from "./permissions/permission-store";
export { PermissionStore, type PermissionRecord, type PermissionOwner } from "./permissions/permission-store";
export { UserRequestStore, type UserRequestKind, type UserRequestRecord, type UserRequestOwner } from "./user-requests/user-request-store";
export { AnswerWaiter, type AnswerWaiterDeps } from "./user-requests/answer-waiter";
export { NotificationGate, type NotificationGateDeps, type NotificationAsker } from "./notifications/notification-gate";
export { NotificationsService, type NotificationsServiceDeps } from "./notifications/notifications.service";
export { NOTIFY_TOOL_NAME } from "./tools/notify";
export { McpToolSource, MCP_CALL_TIMEOUT_MS, MCP_REQUEST_TIMEOUT_MS, type McpToolSourceDeps, type McpServerCheck } from "./mcp-servers/mcp-tool-source";
export { McpServerCatalog, resolveMcpServerSpec, type McpServerEntry, type McpServerSpec } from "./mcp-servers/mcp-servers-file";
export { McpServersService } from "./mcp-servers/mcp-servers.service";
export { McpStatusCache, McpServerStatus, McpServersResponse } from "./mcp-servers/mcp-status";
export { refreshMcpServerStatus, type McpRefreshOutcome } from "./mcp-servers/mcp-status-refresh";
export { agentToolNames, MCP_TOOL_NAME_MAX } from "./mcp-servers/mcp-tool-names";
export { MCP_MAX_OUTPUT_CHARS } from "./mcp-servers/mcp-tool";
export { SandboxSettingsService } from "./sandbox/sandbox-settings.service";
export { Plan, PlanCatalog, DEFAULT_PLAN } from "./plans/plan-catalog";
export { WorkspacePlans, WORKSPACE_PLAN_CACHE_TTL_MS } from "./plans/workspace-plans";
export { RequestLimits, type RequestLimitsDeps } from "./plans/request-limits";
export { CreditsService, type CreditState } from "./credits/credits.service";
export { PlanGate } from "./credits/plan-gate";
export { WorkspacePlanService, toPlanData } from "./credits/workspace-plan.service";
export { usdToMicros, microsToUsd, creditPeriodOf } from "./credits/credit-units";
export { UsageService, usageRange } from "./usage/usage.service";
export { SessionQuota, sessionQuotaExceeded, type SessionCap } from "./sessions/session-quota";
export { AUDIT_ACTIONS, SYSTEM_ACTOR, type Actor, type AuditAction, type AuditRecord, type AuditWriter } from "./audit/audit-entry";
export { StreamTokens, STREAM_TOKEN_PREFIX, type MintedStreamToken, type StreamTokenPrincipal } from "./auth/stream-tokens";
export { METRICS_CONTENT_TYPE, metricsRegistry, renderMetrics } from "./metrics/registry";
export { registeredMetricNames } from "./metrics/catalog";
export { recordHttpRequest, sseClosed, sseEventSent, sseOpened } from "./metrics/record";
export { hasMetricsToken, startMetricsServer, type MetricsServer } from "./metrics/metrics-server";
export { watchQueueMetrics } from "./workers/queue-metrics";
export { WorkspaceProfileService } from "./workspace-profile/workspace-profile.service";
export { profilePrompt } from "./workspace-profile/profile-prompt";
export { KnowledgeService } from "./knowledge/knowledge.service";
export { SessionKnowledge } from "./knowledge/session-knowledge";
export { chunkText } from "./knowledge/chunker";
