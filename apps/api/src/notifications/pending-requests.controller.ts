/**
 * `GET /api/sessions/{id}/pending` (beyond the contracts): what a session's run waits on, a
 * permission request or a question, as their events showed them. A client that opens the stream
 * is shown these again anyway; this is for one that only polls.
 */
import { Controller, Get, Param } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiTags } from "@nestjs/swagger";
import { NotificationsService, PendingRequestsResponse, SessionsService, type Principal } from "@mix/core";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodResponse } from "../common/openapi/zod-openapi";

@ApiTags("Notifications")
@Controller("api/sessions")
export class PendingRequestsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly notifications: NotificationsService,
  ) {}

  @Get(":id/pending")
  @RequiresRole("read_only")
  @ApiOperation({
    summary: "List what a session waits on",
    description:
      "The permission requests and questions of the session's runs (its subagents' included) that wait for an answer, oldest " +
      "first, each as the data of the `permission` or `notification` event that showed it. Answer them with the grant/deny and " +
      "respond routes.",
    operationId: "listPendingRequests",
  })
  @ApiParam({ name: "id", description: "Session ID" })
  @ApiZodResponse(200, PendingRequestsResponse, "What waits for an answer")
  @ApiErrors(401, 404)
  async pending(@CurrentPrincipal() principal: Principal, @Param("id") sessionId: string): Promise<PendingRequestsResponse> {
    await this.sessions.require(principal.workspaceId, sessionId);
    return this.notifications.pending(principal.workspaceId, sessionId);
  }
}
