/** `/api/workspace`: the caller's workspace and its own role in it, for any key. */
import { Controller, Get } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { WorkspaceData, WorkspacesService, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Workspace")
@Controller("api/workspace")
export class WorkspaceController {
  constructor(private readonly workspaces: WorkspacesService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get the workspace",
    description: "The caller's workspace: its name and plan, and the calling key's role.",
    operationId: "getWorkspace",
  })
  @ApiZodResponse(200, WorkspaceData, "The workspace")
  @ApiErrors(401)
  get(@CurrentPrincipal() principal: Principal): Promise<WorkspaceData> {
    return this.workspaces.describe(principal);
  }
}
