/** `/api/workspace/credits` (admins): the balance with this month's grant and the ledger; top-ups and adjustments. */
import { Body, Controller, Get, HttpCode, Post, Query } from "@nestjs/common";
import { ApiOperation, ApiQuery, ApiTags } from "@nestjs/swagger";
import {
  ChangeCreditsRequest,
  ChangeCreditsResponse,
  CreditsService,
  GetCreditsQuery,
  GetCreditsResponse,
  MAX_CREDIT_CHANGE_USD,
  MAX_LEDGER_PAGE,
  type Actor,
  type Principal,
} from "@mix/core";
import { z } from "zod";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody, ApiZodResponse } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Workspace")
@Controller("api/workspace/credits")
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @RequiresRole("admin")
  @ApiOperation({
    summary: "Get credits",
    description:
      "The workspace's plan and credit balance (USD; this month's grant added first when due), and its ledger newest first: " +
      "grants, top-ups, adjustments and one debit per model call.",
    operationId: "getCredits",
  })
  @ApiQuery({ name: "limit", required: false, type: Number, description: `Ledger entries per page, 1 to ${MAX_LEDGER_PAGE} (default 50)` })
  @ApiQuery({ name: "cursor", required: false, type: String, description: "Opaque: the nextCursor of the previous page" })
  @ApiZodResponse(200, GetCreditsResponse, "The balance and a page of the ledger")
  @ApiErrors(400, 401, 403)
  get(@CurrentPrincipal() principal: Principal, @Query(new ZodPipe(GetCreditsQuery)) query: z.infer<typeof GetCreditsQuery>): Promise<GetCreditsResponse> {
    return this.credits.ledger(principal.workspaceId, query);
  }

  @Post()
  @RequiresRole("admin")
  @HttpCode(201)
  @ApiOperation({
    summary: "Top up or adjust credits",
    description:
      `Adds \`amount\` USD (a top_up, > 0) or corrects the balance by it (an adjustment, either sign), at most ${MAX_CREDIT_CHANGE_USD} ` +
      "per request. Recorded in the ledger and the audit log (credits.changed).",
    operationId: "changeCredits",
  })
  @ApiZodBody(ChangeCreditsRequest)
  @ApiZodResponse(201, ChangeCreditsResponse, "The ledger entry and the balance after it")
  @ApiErrors(400, 401, 403)
  change(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(ChangeCreditsRequest)) body: ChangeCreditsRequest,
  ): Promise<ChangeCreditsResponse> {
    return this.credits.change(principal.workspaceId, body, actor);
  }
}
