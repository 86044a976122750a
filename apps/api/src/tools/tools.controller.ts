/** `/api/tools*`: the agent's tools, as the registry that runs them knows them. */
import { Controller, Get } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { ToolCredentialsStatusResponse, ToolsCatalogService, ToolsListResponse, ToolsStatusResponse } from "@mix/core";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Tools")
@Controller("api/tools")
export class ToolsController {
  constructor(private readonly tools: ToolsCatalogService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({ summary: "List LLM tools", operationId: "listLLMTools" })
  @ApiZodResponse(200, ToolsListResponse, "The tools the agent can call, with their input schemas")
  @ApiErrors(401)
  list(): ToolsListResponse {
    return this.tools.list();
  }

  @Get("status")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get tools status", operationId: "getToolsStatus" })
  @ApiZodResponse(200, ToolsStatusResponse, "Tools by category, and whether each is ready to use")
  @ApiErrors(401)
  status(): ToolsStatusResponse {
    return this.tools.status();
  }

  @Get("credentials-status")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "Get tool credentials status",
    description: "Tools that need an external service's key. No built-in tool needs one yet, so the list is empty.",
    operationId: "getToolCredentialsStatus",
  })
  @ApiZodResponse(200, ToolCredentialsStatusResponse, "Tool credentials by category")
  @ApiErrors(401)
  credentialsStatus(): ToolCredentialsStatusResponse {
    return this.tools.credentialsStatus();
  }
}
