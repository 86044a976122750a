/** `/api/preferences`: the workspace's model settings and the providers it may choose from. */
import { Body, Controller, Get, HttpCode, Post } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { AvailableProviders, GetPreferencesResponse, PreferencesData, PreferencesService, UpdatePreferencesRequest, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Preferences")
@Controller("api/preferences")
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get user preferences", operationId: "getPreferences" })
  @ApiZodResponse(200, GetPreferencesResponse, "The workspace's preferences (null until first set) and the available providers")
  @ApiErrors(401)
  get(@CurrentPrincipal() principal: Principal): Promise<GetPreferencesResponse> {
    return this.preferences.get(principal.workspaceId);
  }

  @Post()
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiOperation({
    summary: "Update user preferences",
    description: "Changes only the fields sent; unknown fields, unknown providers or models, and bad values answer 400.",
    operationId: "updatePreferences",
  })
  @ApiZodBody(UpdatePreferencesRequest)
  @ApiZodResponse(200, PreferencesData, "Updated preferences")
  @ApiErrors(400, 401, 413)
  update(@CurrentPrincipal() principal: Principal, @Body(new ZodPipe(UpdatePreferencesRequest)) body: UpdatePreferencesRequest): Promise<PreferencesData> {
    return this.preferences.update(principal.workspaceId, body);
  }

  @Get("providers")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get available providers", operationId: "getAvailableProviders" })
  @ApiZodResponse(200, AvailableProviders, "Available providers and their models")
  @ApiErrors(401)
  providers(): AvailableProviders {
    return this.preferences.providers();
  }

  @Post("reset")
  @RequiresRole("admin")
  @HttpCode(200)
  @ApiOperation({ summary: "Reset preferences", operationId: "resetPreferences" })
  @ApiZodResponse(200, PreferencesData, "Preferences reset to the defaults")
  @ApiErrors(401)
  reset(@CurrentPrincipal() principal: Principal): Promise<PreferencesData> {
    return this.preferences.reset(principal.workspaceId);
  }
}
