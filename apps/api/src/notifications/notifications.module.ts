/** `/api/notifications`: answers to what the agent tells or asks the user, and what a session waits on. */
import { Module } from "@nestjs/common";
import { NotificationsController } from "./notifications.controller";
import { PendingRequestsController } from "./pending-requests.controller";

@Module({ controllers: [NotificationsController, PendingRequestsController] })
export class NotificationsModule {}
