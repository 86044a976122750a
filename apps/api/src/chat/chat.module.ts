/** `/api/chat`: a message in, the reply's text streamed out. */
import { Module } from "@nestjs/common";
import { ChatController } from "./chat.controller";

@Module({ controllers: [ChatController] })
export class ChatModule {}
