/** `GET /api/mcp`: the workspace's MCP servers and their tools, as the workers' background check last found them. */
import { Controller, Get } from "@nestjs/common";
import { ApiOperation, ApiTags } from "@nestjs/swagger";
import { McpServersResponse, McpServersService, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("System")
@Controller("api/mcp")
export class McpServersController {
  constructor(private readonly mcp: McpServersService) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List MCP servers",
    description:
      "The MCP servers configured for the workspace (MCP_SERVERS_FILE), read from a cache that a worker refreshes every " +
      "MCP_REFRESH_MS; this request never starts or contacts a server. Until the first check a server is `disconnected`. " +
      "The agent calls a server's tool as `<server>_<tool>` (characters outside [A-Za-z0-9_] become `_`).",
    operationId: "listMcpServers",
  })
  @ApiZodResponse(200, McpServersResponse, "List of MCP servers")
  @ApiErrors(401)
  list(@CurrentPrincipal() principal: Principal): Promise<McpServersResponse> {
    return this.mcp.list(principal.workspaceId);
  }
}
