/** `/api/commands`: the slash commands a message may start with (built-ins and COMMANDS_DIR files). */
import { Controller, Get, Inject, Param } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { CommandDetails, CommandSummary, type ApiServices } from "@mix/core";
import { z } from "zod";
import { API_SERVICES } from "../common/api-services.token";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("System")
@Controller("api/commands")
export class CommandsController {
  constructor(@Inject(API_SERVICES) private readonly services: ApiServices) {}

  @Get()
  @ApiOperation({
    summary: "List available commands",
    description: "A message whose text is `/name args` is stored as the command's prompt, with the arguments filled in.",
    operationId: "listCommands",
  })
  @ApiZodResponse(200, z.array(CommandSummary), "List of commands")
  @ApiErrors(401)
  list(): Promise<CommandSummary[]> {
    return this.services.commands.list();
  }

  @Get(":name")
  @ApiOperation({ summary: "Get specific command", operationId: "getCommand" })
  @ApiParam({ name: "name", description: "Command name" })
  @ApiZodResponse(200, CommandDetails, "Command details")
  @ApiErrors(401, 404)
  get(@Param("name") name: string): Promise<CommandDetails> {
    return this.services.commands.get(name);
  }
}
