/** `/api/sessions/{id}/messages` and `/cancel`: a session's messages and its runs. */
import { Module } from "@nestjs/common";
import { MessagesController } from "./messages.controller";

@Module({ controllers: [MessagesController] })
export class MessagesModule {}
