/** `/api/mcp`: the workspace's MCP servers and their tools. */
import { Module } from "@nestjs/common";
import { McpServersController } from "./mcp-servers.controller";

@Module({ controllers: [McpServersController] })
export class McpServersModule {}
