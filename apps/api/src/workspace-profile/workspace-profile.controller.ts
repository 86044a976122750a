/** `/api/workspace/profile`: the profile chat and sessions are grounded on; any key reads it, admins change it. */
import { Body, Controller, Get, Put } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import {
  PROFILE_FIELD_MAX_BYTES,
  PROFILE_TOTAL_MAX_BYTES,
  UpdateWorkspaceProfileRequest,
  WorkspaceProfileData,
  WorkspaceProfileService,
  type Actor,
  type Principal,
} from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Workspace")
@Controller("api/workspace/profile")
export class WorkspaceProfileController {
  constructor(private readonly profiles: WorkspaceProfileService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get the workspace profile",
    description:
      "Who the team is, its product, its voice and the facts to respect: added to the system prompt of chat and of sessions in default or append prompt mode.",
    operationId: "getWorkspaceProfile",
  })
  @ApiZodResponse(200, WorkspaceProfileData, "The profile (empty fields when never set)")
  @ApiErrors(401)
  get(@CurrentPrincipal() principal: Principal): Promise<WorkspaceProfileData> {
    return this.profiles.get(principal.workspaceId);
  }

  @Put()
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Change the workspace profile",
    description:
      `The fields given replace the stored ones; fields left out stay, "" clears one. A field may take ${PROFILE_FIELD_MAX_BYTES / 1024} KB, ` +
      `the whole profile ${PROFILE_TOTAL_MAX_BYTES / 1024} KB (UTF-8); more answers 413 and changes nothing. Audited (workspace.profile_changed).`,
    operationId: "updateWorkspaceProfile",
  })
  @ApiZodBody(UpdateWorkspaceProfileRequest)
  @ApiZodResponse(200, WorkspaceProfileData, "The profile as stored")
  @ApiErrors(400, 401, 403, 413)
  update(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(UpdateWorkspaceProfileRequest)) body: UpdateWorkspaceProfileRequest,
  ): Promise<WorkspaceProfileData> {
    return this.profiles.update(principal.workspaceId, actor, body);
  }
}
