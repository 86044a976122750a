/** The API's root module; core services come in ready-made so tests can run several apps. */
import { type DynamicModule, Global, Module } from "@nestjs/common";
import { APP_FILTER, APP_GUARD } from "@nestjs/core";
import type { ApiServices } from "@mix/core";
import { API_SERVICES } from "./common/api-services.token";
import { ChatController } from "./chat/chat.controller";
import { CommandsController } from "./commands/commands.controller";
import { ApiKeyGuard } from "./common/auth/api-key.guard";
import { HttpExceptionFilter } from "./common/http-exception.filter";
import { FilesController } from "./files/files.controller";
import { HealthController } from "./health/health.controller";
import { McpServersController } from "./mcp-servers/mcp-servers.controller";
import { MessageHistoryController } from "./messages/history.controller";
import { MessagesController } from "./messages/messages.controller";
import { ModelsController } from "./models/models.controller";
import { PermissionsController } from "./permissions/permissions.controller";
import { PreferencesController } from "./preferences/preferences.controller";
import { ProviderAuthController } from "./provider-auth/provider-auth.controller";
import { ProviderOAuthController } from "./provider-auth/provider-oauth.controller";
import { SessionActionsController } from "./sessions/session-actions.controller";
import { SessionsController } from "./sessions/sessions.controller";
import { StreamController } from "./stream/stream.controller";
import { StreamMessageController } from "./stream/stream-message.controller";
import { ToolsController } from "./tools/tools.controller";
import { SandboxController } from "./sandbox/sandbox.controller";
import { SystemController } from "./system/system.controller";

@Global()
@Module({})
export class AppModule {
  static forRoot(services: ApiServices): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        SessionsController,
        MessagesController,
        StreamController,
        StreamMessageController,
        ToolsController,
        SessionActionsController,
        MessageHistoryController,
        CommandsController,
        ModelsController,
        ChatController,
        PreferencesController,
        PermissionsController,
        ProviderAuthController,
        ProviderOAuthController,
        FilesController,
        SystemController,
        McpServersController,
        SandboxController,
      ],
      providers: [
        { provide: API_SERVICES, useValue: services },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
      ],
      exports: [API_SERVICES],
    };
  }
}
