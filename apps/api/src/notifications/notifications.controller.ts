/**
 * `POST /api/notifications/{id}/respond` (v0.11.4 contract): the user's answer to what the agent
 * asked with its notify_user tool. Any instance answers; the run waiting for it resumes wherever it runs.
 */
import { Body, Controller, HttpCode, Param, Post } from "@nestjs/common";
import { ApiOperation, ApiParam, ApiResponse, ApiTags } from "@nestjs/swagger";
import { NotificationsService, RespondToNotificationRequest, type Actor, type Principal } from "@mix/core";
import { CurrentActor } from "../common/auth/actor.decorator";
import { CurrentPrincipal } from "../common/auth/principal.decorator";
import { RequiresRole } from "../common/auth/requires-role.decorator";
import { ApiErrors, ApiZodBody } from "../common/openapi/zod-openapi";
import { ZodPipe } from "../common/zod-validation.pipe";

@ApiTags("Notifications")
@Controller("api/notifications")
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Post(":id/respond")
  @RequiresRole("member")
  @HttpCode(204)
  @ApiOperation({
    summary: "Respond to notification",
    description:
      "Send the user's response to a notification: `acknowledge`, `text` with `value`, or `choice` with `value` one of the " +
      "notification's `choices`; the type must be the notification's `responseType`. Answers 404 for an unknown, expired or " +
      "another workspace's id, and for one already answered, timed out or cancelled; 400 for a response of the wrong type, a " +
      "missing value, or a choice not offered.",
    operationId: "respondToNotification",
  })
  @ApiParam({ name: "id", description: "Notification ID (the `id` of the `notification` event)" })
  @ApiZodBody(RespondToNotificationRequest)
  @ApiResponse({ status: 204, description: "Notification response accepted" })
  @ApiErrors(400, 401, 404)
  respond(
    @CurrentPrincipal() principal: Principal,
    @CurrentActor() actor: Actor,
    @Param("id") id: string,
    @Body(new ZodPipe(RespondToNotificationRequest)) body: RespondToNotificationRequest,
  ): Promise<void> {
    return this.notifications.respond(principal.workspaceId, id, body, actor);
  }
}
