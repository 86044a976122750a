/**
 * Provider OAuth: start a flow, finish it (on any instance), the tokens' health, and a manual
 * refresh. All authenticated: each acts on the caller's workspace only.
 */
import { Body, Controller, Get, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import {
  OAuthCallbackRequest,
  OAuthCallbackResponse,
  OAuthHealthResponse,
  OAuthStartResponse,
  ProviderOAuthService,
  RefreshTokensResponse,
  type Actor,
  type Principal,
} from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@Controller()
export class ProviderOAuthController {
  constructor(private readonly oauth: ProviderOAuthService) {}

  @Post("api/auth/oauth/:provider")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiTags("Authentication")
  @ApiOperation({
    summary: "Start OAuth authentication",
    description:
      "Starts an authorization-code flow with PKCE (S256). Open auth_url, approve, then send the code with the state to " +
      "POST /api/auth/oauth-callback. The state is single use and expires after 10 minutes. " +
      "Answers 400 for a provider without OAuth, or when OAuth or CREDENTIALS_ENCRYPTION_KEY is not configured.",
    operationId: "startOAuthFlow",
  })
  @ApiParam({ name: "provider", description: "Provider name (currently only 'anthropic')" })
  @ApiZodResponse(200, OAuthStartResponse, "OAuth authorization information")
  @ApiErrors(400, 401)
  start(@CurrentPrincipal() principal: Principal, @Param("provider") provider: string): Promise<OAuthStartResponse> {
    return this.oauth.start(principal.workspaceId, provider);
  }

  @Post("api/auth/oauth-callback")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiTags("Authentication")
  @ApiOperation({
    summary: "Handle OAuth callback",
    description:
      "Exchanges the code (with the flow's PKCE verifier) for tokens and stores them encrypted for the caller's workspace. " +
      "400 when the state is unknown, expired, already used or another workspace's, or when the provider rejects the code.",
    operationId: "handleOAuthCallback",
  })
  @ApiZodBody(OAuthCallbackRequest)
  @ApiZodResponse(200, OAuthCallbackResponse, "OAuth completion status")
  @ApiErrors(400, 401, 502)
  callback(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(OAuthCallbackRequest)) body: OAuthCallbackRequest,
  ): Promise<OAuthCallbackResponse> {
    return this.oauth.callback(principal.workspaceId, body, actor);
  }

  @Get("health/auth")
  @RequiresRole("read_only")
  @ApiTags("Health", "Authentication")
  @ApiOperation({
    summary: "Get OAuth authentication health",
    description:
      "The caller's OAuth tokens. A token counts as expired 5 minutes before it expires; the worker refreshes tokens 35 minutes ahead. " +
      "healthy: all valid; degraded: some expired but refreshable; unhealthy: some expired without a refresh token.",
    operationId: "getOAuthHealth",
  })
  @ApiZodResponse(200, OAuthHealthResponse, "OAuth health status")
  @ApiErrors(401)
  health(@CurrentPrincipal() principal: Principal): Promise<OAuthHealthResponse> {
    return this.oauth.health(principal.workspaceId);
  }

  @Post("internal/auth/refresh-tokens")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiTags("Authentication", "Internal")
  @ApiOperation({
    summary: "Manually refresh OAuth tokens",
    description: "Refreshes now the caller's OAuth tokens that expire within 35 minutes (the worker does this every 10 minutes).",
    operationId: "refreshOAuthTokens",
  })
  @ApiZodResponse(200, RefreshTokensResponse, "Token refresh triggered")
  @ApiErrors(401)
  refresh(@CurrentPrincipal() principal: Principal): Promise<RefreshTokensResponse> {
    return this.oauth.refreshNow(principal.workspaceId);
  }
}
