/**
 * The API's root module: the core services, one module per feature, and what applies to every
 * route (the API key check first, then the route's least role, then the rate limits of every
 * route that creates work or changes state, a route's own `@RateLimited` budget with them; one
 * error shape for every failure).
 */
import { type DynamicModule, Module } from "@nestjs/common";
import { APP_FILTER, APP_GUARD } from "@nestjs/core";
import { AuditModule } from "./audit/audit.module";
import { ChatModule } from "./chat/chat.module";
import { CommandsModule } from "./commands/commands.module";
import { ConsoleModule } from "./console/console.module";
import { CreditsModule } from "./credits/credits.module";
import { ApiKeyGuard } from "./common/auth/api-key.guard";
import { RateLimitGuard } from "./common/rate-limit/rate-limit.guard";
import { RoleGuard } from "./common/auth/role.guard";
import { HttpExceptionFilter } from "./common/http-exception.filter";
import { CoreModule, type CoreApplication } from "./core/core.module";
import { FilesModule } from "./files/files.module";
import { HealthModule } from "./health/health.module";
import { McpServersModule } from "./mcp-servers/mcp-servers.module";
import { MetricsModule } from "./metrics/metrics.module";
import { MessageHistoryModule } from "./messages/history.module";
import { MessagesModule } from "./messages/messages.module";
import { ModelsModule } from "./models/models.module";
import { NotificationsModule } from "./notifications/notifications.module";
import { PermissionsModule } from "./permissions/permissions.module";
import { PreferencesModule } from "./preferences/preferences.module";
import { ProviderAuthModule } from "./provider-auth/provider-auth.module";
import { SandboxModule } from "./sandbox/sandbox.module";
import { SessionActionsModule } from "./sessions/session-actions.module";
import { SessionsModule } from "./sessions/sessions.module";
import { StreamModule } from "./stream/stream.module";
import { SystemModule } from "./system/system.module";
import { ToolsModule } from "./tools/tools.module";
import { UsageModule } from "./usage/usage.module";
import { WorkspaceAdminModule } from "./workspace-admin/workspace-admin.module";
import { WorkspaceProfileModule } from "./workspace-profile/workspace-profile.module";
import { KnowledgeModule } from "./knowledge/knowledge.module";

// In the order their routes have always been registered: Express matches routes in this order,
// and the OpenAPI document (committed, and compared by a test) lists its paths in it.
const FEATURE_MODULES = [
  HealthModule,
  SessionsModule,
  MessagesModule,
  StreamModule,
  ToolsModule,
  SessionActionsModule,
  MessageHistoryModule,
  CommandsModule,
  ModelsModule,
  ChatModule,
  PreferencesModule,
  PermissionsModule,
  NotificationsModule,
  ProviderAuthModule,
  FilesModule,
  SystemModule,
  McpServersModule,
  SandboxModule,
  WorkspaceAdminModule,
  AuditModule,
  CreditsModule,
  UsageModule,
  WorkspaceProfileModule,
  KnowledgeModule,
  ConsoleModule,
  MetricsModule,
];

@Module({})
export class AppModule {
  /** The application comes in ready-made, so tests can run several apps in one process. */
  static forRoot(application: CoreApplication): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(application), ...FEATURE_MODULES],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // Second: it reads the principal the key check set.
        { provide: APP_GUARD, useClass: RoleGuard },
        // Third: the request limits of every state-changing route, once the caller may make it.
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
    };
  }
}
