/** `/stream`: a session's live events over SSE, the tokens a browser opens it with, and the earlier contract's send into it. */
import { Module } from "@nestjs/common";
import { StreamController } from "./stream.controller";
import { StreamMessageController } from "./stream-message.controller";
import { StreamTokenController } from "./stream-token.controller";

@Module({ controllers: [StreamController, StreamMessageController, StreamTokenController] })
export class StreamModule {}
