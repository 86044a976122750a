/** `/api/sessions/{id}/fork`, `/rewind`, `/export`: what is done to a whole session. */
import { Module } from "@nestjs/common";
import { SessionActionsController } from "./session-actions.controller";

@Module({ controllers: [SessionActionsController] })
export class SessionActionsModule {}
