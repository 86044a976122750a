/** `/stream`: a session's live events over SSE, and the earlier contract's send into it. */
import { Module } from "@nestjs/common";
import { StreamController } from "./stream.controller";
import { StreamMessageController } from "./stream-message.controller";

@Module({ controllers: [StreamController, StreamMessageController] })
export class StreamModule {}
