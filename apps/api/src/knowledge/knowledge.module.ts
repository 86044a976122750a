/** `/api/knowledge` and a session's knowledge switch. */
import { Module } from "@nestjs/common";
import { KnowledgeController } from "./knowledge.controller";
import { SessionKnowledgeController } from "./session-knowledge.controller";

@Module({ controllers: [KnowledgeController, SessionKnowledgeController] })
export class KnowledgeModule {}
