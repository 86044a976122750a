/** `/api/sandbox` (beyond the contract): how the workspace's agent commands are confined, and whether they may reach public hosts. */
import { Body, Controller, Get, Put } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { SandboxSettingsResponse, SandboxSettingsService, UpdateSandboxSettingsRequest, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Sandbox")
@Controller("api/sandbox")
export class SandboxController {
  constructor(private readonly sandbox: SandboxSettingsService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get the sandbox settings",
    description:
      "Every command the agent runs (Bash, python_execution, bash_script callbacks) runs in a sandbox: only the session " +
      "folder is writable, system folders are read-only, nothing of the server is visible, and resources are limited. " +
      "This answers the deployment's driver and limits and the workspace's network setting.",
    operationId: "getSandboxSettings",
  })
  @ApiZodResponse(200, SandboxSettingsResponse, "The workspace's sandbox")
  @ApiErrors(401)
  get(@CurrentPrincipal() principal: Principal): Promise<SandboxSettingsResponse> {
    return this.sandbox.get(principal.workspaceId);
  }

  @Put()
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Set the workspace's sandbox network",
    description:
      "`network: \"egress\"` lets the workspace's commands reach public hosts through the workers' proxy (HTTP and HTTPS " +
      'on the allowed ports; never loopback, private, link-local or metadata addresses); `"none"` (the default) gives ' +
      "them no network at all. Applies from the next command.",
    operationId: "setSandboxSettings",
  })
  @ApiZodBody(UpdateSandboxSettingsRequest)
  @ApiZodResponse(200, SandboxSettingsResponse, "The settings as stored")
  @ApiErrors(400, 401, 413)
  set(
    @CurrentPrincipal() principal: Principal,
    @Body(new ZodPipe(UpdateSandboxSettingsRequest)) body: UpdateSandboxSettingsRequest,
  ): Promise<SandboxSettingsResponse> {
    return this.sandbox.set(principal.workspaceId, body);
  }
}
