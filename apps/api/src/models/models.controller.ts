/** `GET /api/ai/models`: the models this deployment can run, for the chat endpoint's `model`. */
import { Controller, Get } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { ListModelsResponse, ModelCatalog } from "@mix/core";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Chat")
@Controller("api/ai/models")
export class ModelsController {
  constructor(private readonly models: ModelCatalog) {}

  @Get()
  @ApiOperation({
    summary: "List models",
    description: "Models available to the workspace; use an `id` as `model` in POST /api/chat. `ml-auto` lets the deployment choose.",
    operationId: "listModels",
  })
  @ApiZodResponse(200, ListModelsResponse, "Auto first, then every model the deployment can run")
  @ApiErrors(401)
  list(): ListModelsResponse {
    return { models: this.models.list() };
  }
}
