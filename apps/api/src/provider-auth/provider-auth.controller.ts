/** `/api/auth/*`: provider API keys stored (encrypted) per workspace, and their status. */
import { Body, Controller, Delete, Get, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import {
  AuthStatusResponse,
  CredentialActionResponse,
  CredentialsService,
  StoreApiKeyRequest,
  ValidateProviderResponse,
  type Actor,
  type Principal,
} from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Authentication")
@Controller("api/auth")
export class ProviderAuthController {
  constructor(private readonly credentials: CredentialsService) {}

  @Post("api-key")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiOperation({
    summary: "Store API key",
    description:
      "Stores the key encrypted for the caller's workspace, replacing any earlier credentials for that provider. The key is never returned. " +
      "Answers 400 when the server has no CREDENTIALS_ENCRYPTION_KEY.",
    operationId: "storeApiKey",
  })
  @ApiZodBody(StoreApiKeyRequest)
  @ApiZodResponse(200, CredentialActionResponse, "API key stored")
  @ApiErrors(400, 401, 413)
  store(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Body(new ZodPipe(StoreApiKeyRequest)) body: StoreApiKeyRequest) {
    return this.credentials.storeApiKey(principal.workspaceId, body.provider, body.api_key, actor);
  }

  @Get("status")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get authentication status",
    description: "Per provider: authenticated by the workspace's stored credentials or by the server's env key.",
    operationId: "getAuthStatus",
  })
  @ApiZodResponse(200, AuthStatusResponse, "Authentication status for all providers")
  @ApiErrors(401)
  status(@CurrentPrincipal() principal: Principal): Promise<AuthStatusResponse> {
    return this.credentials.status(principal.workspaceId);
  }

  @Get("validate")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Validate preferred provider", operationId: "validatePreferredProvider" })
  @ApiZodResponse(200, ValidateProviderResponse, "Whether the preferred provider has credentials")
  @ApiErrors(401)
  validate(@CurrentPrincipal() principal: Principal): Promise<ValidateProviderResponse> {
    return this.credentials.validate(principal.workspaceId);
  }

  @Delete(":provider")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Delete provider credentials",
    description: "Deletes the workspace's stored credentials for the provider; succeeds when none were stored.",
    operationId: "deleteCredentials",
  })
  @ApiParam({ name: "provider", description: "Provider name (anthropic, openai, openrouter, gemini, brave)" })
  @ApiZodResponse(200, CredentialActionResponse, "Credentials deletion status")
  @ApiErrors(400, 401)
  delete(@CurrentPrincipal() principal: Principal, @CurrentActor() actor: Actor, @Param("provider") provider: string): Promise<CredentialActionResponse> {
    return this.credentials.delete(principal.workspaceId, provider, actor);
  }
}
