/** `GET /api/ai/models`: the models this deployment can run, marked by the caller's plan, for the chat endpoint's `model`. */
import { Controller, Get } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { ListModelsResponse, WorkspacePlanService, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Chat")
@Controller("api/ai/models")
export class ModelsController {
  constructor(private readonly plans: WorkspacePlanService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List models",
    description:
      "Models available to the workspace; use an `id` as `model` in POST /api/chat. `ml-auto` lets the deployment choose. " +
      "`requiresPaid` is true for a model the workspace's plan does not include (using it answers 403 model_not_in_plan).",
    operationId: "listModels",
  })
  @ApiZodResponse(200, ListModelsResponse, "Auto first, then every model the deployment can run")
  @ApiErrors(401)
  async list(@CurrentPrincipal() principal: Principal): Promise<ListModelsResponse> {
    return { models: await this.plans.models(principal.workspaceId) };
  }
}
