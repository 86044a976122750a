/** `/api/workspace/plans` and `/plan` (admins): the plan table, and moving the workspace to another plan. */
import { Body, Controller, Get, Put } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { ListPlansResponse, SetPlanRequest, SetPlanResponse, WorkspacePlanService, type Actor, type Principal } from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Workspace")
@Controller("api/workspace")
export class PlansController {
  constructor(private readonly plans: WorkspacePlanService) {}

  @Get("plans")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "List plans",
    description: "The deployment's plan table (built-in plans and PLANS_FILE): models, limits and monthly credits; `current` is the workspace's.",
    operationId: "listPlans",
  })
  @ApiZodResponse(200, ListPlansResponse, "Every plan")
  @ApiErrors(401, 403)
  list(@CurrentPrincipal() principal: Principal): Promise<ListPlansResponse> {
    return this.plans.list(principal.workspaceId);
  }

  @Put("plan")
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Change the plan",
    description:
      "Puts the workspace on another plan. A plan with more monthly credits than this month's grants added grants the difference at once. " +
      "Recorded in the audit log (workspace.plan_changed).",
    operationId: "setPlan",
  })
  @ApiZodBody(SetPlanRequest)
  @ApiZodResponse(200, SetPlanResponse, "The new plan, the previous one's name and the credits after the change")
  @ApiErrors(400, 401, 403)
  set(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(SetPlanRequest)) body: SetPlanRequest,
  ): Promise<SetPlanResponse> {
    return this.plans.change(principal.workspaceId, body.plan, actor);
  }
}
