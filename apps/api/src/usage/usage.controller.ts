/** `GET /api/workspace/usage` (admins): tokens, cost and runs of the workspace's model calls per day, key, member or model. */
import { Controller, Get, Query } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiTags } from "@nestjs/swagger";
import { DEFAULT_USAGE_RANGE_DAYS, MAX_USAGE_RANGE_DAYS, UsageQuery, UsageResponse, UsageService, type Principal } from "@mix/core";
import { z } from "zod";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Workspace")
@Controller("api/workspace/usage")
export class UsageController {
  constructor(private readonly usage: UsageService) {}

  @Get()
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Get usage",
    description:
      `Sums of the workspace's model calls from \`from\` to \`to\` (UTC days, both included; default the last ${DEFAULT_USAGE_RANGE_DAYS} days, ` +
      `at most ${MAX_USAGE_RANGE_DAYS}), grouped by day, API key, member or model. A key or member is the one that sent the run's message.`,
    operationId: "getUsage",
  })
  @ApiQuery({ name: "from", required: false, type: String, description: "YYYY-MM-DD (UTC)" })
  @ApiQuery({ name: "to", required: false, type: String, description: "YYYY-MM-DD (UTC); default today" })
  @ApiQuery({ name: "groupBy", required: false, enum: ["day", "key", "member", "model"], description: "Default day" })
  @ApiZodResponse(200, UsageResponse, "One row per group, and the totals")
  @ApiErrors(400, 401, 403)
  get(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(UsageQuery)) query: z.infer<typeof UsageQuery>): Promise<UsageResponse> {
    return this.usage.report(principal.workspaceId, query);
  }
}
