/** `/api/commands`: the slash commands a message may start with (built-ins and COMMANDS_DIR files). */
import { Controller, Get, Param } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { CommandDetails, CommandRegistry, CommandSummary } from "@mix/core";
import { z } from "zod";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("System")
@Controller("api/commands")
export class CommandsController {
  constructor(private readonly commands: CommandRegistry) {}

  @Get()
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List available commands",
    description: "A message whose text is `/name args` is stored as the command's prompt, with the arguments filled in.",
    operationId: "listCommands",
  })
  @ApiZodResponse(200, z.array(CommandSummary), "List of commands")
  @ApiErrors(401)
  list(): Promise<CommandSummary[]> {
    return this.commands.list();
  }

  @Get(":name")
  @RequiresRole("read_only")
  @ApiOperation({ summary: "Get specific command", operationId: "getCommand" })
  @ApiParam({ name: "name", description: "Command name" })
  @ApiZodResponse(200, CommandDetails, "Command details")
  @ApiErrors(401, 404)
  get(@Param("name") name: string): Promise<CommandDetails> {
    return this.commands.get(name);
  }
}
