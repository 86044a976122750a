/** `/api/messages/history`: messages across every session of the workspace. */
import { Module } from "@nestjs/common";
import { MessageHistoryController } from "./history.controller";

@Module({ controllers: [MessageHistoryController] })
export class MessageHistoryModule {}
